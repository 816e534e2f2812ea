/**
 * One `workerd serve` per variant for one page (bench/html-workers.ts processServices): each process
 * holds its own origin and one variant, so that its CPU time and memory are that variant's (plus the
 * origin's and the HTTP serving, which the pass-through's process has too).
 */
import { join } from "node:path";
import { processServices, ORIGIN_SERVICE } from "./html-workers";
import { startWorkerd, type Workerd } from "./workerd";

export interface VariantProcess {
  variant: string;
  pid: number;
  /** The variant's port. */
  port: number;
  /** The port of the process's own origin. */
  originPort: number;
  workerd: Workerd;
}

export interface Fleet {
  processes: Record<string, VariantProcess>;
  /** Each variant's port, for the clients. */
  ports: Record<string, number>;
  /** Every process's recent output, for error messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Start one process per variant, one after the other (so that their start-up does not compete),
 * serving `pageId`'s page from the bundles in `buildDir`. On failure, the ones started are stopped.
 */
export async function startFleet(
  binary: string,
  buildDir: string,
  pageId: string,
  variants: readonly string[],
): Promise<Fleet> {
  const processes: Record<string, VariantProcess> = {};
  const stop = async (): Promise<void> => {
    await Promise.all(Object.values(processes).map((p) => p.workerd.stop()));
  };
  try {
    for (const variant of variants) {
      const config = join(buildDir, `html-${pageId}-${variant}.capnp`);
      const workerd = await startWorkerd(binary, config, processServices(pageId, variant), 60_000);
      processes[variant] = {
        variant,
        pid: workerd.pid,
        port: workerd.ports[variant] ?? -1,
        originPort: workerd.ports[ORIGIN_SERVICE] ?? -1,
        workerd,
      };
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    processes,
    ports: Object.fromEntries(Object.values(processes).map((p) => [p.variant, p.port])),
    log: () =>
      Object.values(processes)
        .map((p) => `[${p.variant}]\n${p.workerd.log()}`)
        .join("\n"),
    stop,
  };
}
