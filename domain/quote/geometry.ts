/** Axis-aligned boxes in mm, used for layer extents. */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A box containing nothing yet. */
export function emptyBox(): Box {
  return { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
}

/** True when nothing has been added to the box. */
export function isEmptyBox(box: Box): boolean {
  return box.minX > box.maxX || box.minY > box.maxY;
}

/** Grows the box to contain the point (mutates, for speed in the parsers). */
export function extendBox(box: Box, x: number, y: number): void {
  if (x < box.minX) box.minX = x;
  if (x > box.maxX) box.maxX = x;
  if (y < box.minY) box.minY = y;
  if (y > box.maxY) box.maxY = y;
}

/** A new box containing both. */
export function unionBox(a: Box, b: Box): Box {
  return {
    minX: Math.min(a.minX, b.minX),
    minY: Math.min(a.minY, b.minY),
    maxX: Math.max(a.maxX, b.maxX),
    maxY: Math.max(a.maxY, b.maxY),
  };
}

/** The overlap of two boxes (empty when they do not overlap). */
export function intersectBox(a: Box, b: Box): Box {
  return {
    minX: Math.max(a.minX, b.minX),
    minY: Math.max(a.minY, b.minY),
    maxX: Math.min(a.maxX, b.maxX),
    maxY: Math.min(a.maxY, b.maxY),
  };
}

/** Width and height of a box (0 when empty). */
export function boxSize(box: Box): { width: number; height: number } {
  if (isEmptyBox(box)) return { width: 0, height: 0 };
  return { width: box.maxX - box.minX, height: box.maxY - box.minY };
}

/** Rounds to a fixed number of decimals (for reported measures). */
export function round(value: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
