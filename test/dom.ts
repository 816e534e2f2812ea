/**
 * Reading a parse5 tree in tests: what a browser's parser made of our output, not a regex over it.
 * `<template>` content is walked too, as it is part of the document the page can clone.
 */
import type { DefaultTreeAdapterMap } from "parse5";

export type Node = DefaultTreeAdapterMap["node"];
export type Element = DefaultTreeAdapterMap["element"];

/** Every element named `tag` under `node`, in document order. */
export function elementsNamed(node: Node, tag: string): Element[] {
  const found: Element[] = [];
  const walk = (current: Node) => {
    if ("tagName" in current && current.tagName === tag) found.push(current);
    for (const child of "childNodes" in current ? current.childNodes : []) walk(child);
    if ("content" in current) walk(current.content);
  };
  walk(node);
  return found;
}

/** The text a node holds, as `textContent` reads it. */
export function textOf(node: Node): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterMap["textNode"]).value;
  return "childNodes" in node ? node.childNodes.map(textOf).join("") : "";
}

/** An attribute's value, or undefined. */
export const attributeOf = (element: Element, name: string): string | undefined =>
  element.attrs.find((attribute) => attribute.name === name)?.value;
