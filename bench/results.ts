/** What a results file records besides the figures: what was built from what, on which machine. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname } from "node:path";

export interface BundleInfo {
  bytes: number;
  sha256: string;
}

export function describeBundle(path: string): BundleInfo {
  const bytes = readFileSync(path);
  return { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

export interface GitInfo {
  commit: string;
  /** `git status --porcelain` lines for the measured paths. */
  uncommitted: string[];
}

/** Read-only git queries in `root`; null when git or the repository is missing. */
export function describeGit(root: string, paths: readonly string[]): GitInfo | null {
  const git = (args: string[]): string | undefined => {
    const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  if (commit === undefined) return null;
  const status = git(["status", "--porcelain", "--", ...paths]) ?? "";
  return { commit, uncommitted: status.split("\n").filter((line) => line.length > 0) };
}

/** `, commit abc1234` (`+ uncommitted changes`), or nothing without git: for the log line. */
export function commitNote(git: GitInfo | null): string {
  return git ? `, commit ${git.commit}${git.uncommitted.length > 0 ? " + uncommitted changes" : ""}` : "";
}

export function describeMachine(loadAverageBefore: number[], withParallelism: boolean) {
  return {
    cores: os.cpus().length,
    ...(withParallelism ? { availableParallelism: os.availableParallelism() } : {}),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageBefore,
    loadAverageAfter: os.loadavg(),
  };
}

export function writeResults(file: string, report: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
