/**
 * @fileoverview Where the diagram's edge labels go: a spot on each edge that
 * keeps clear of every node, heading and label placed before it.  Worked out
 * from the diagram's geometry alone (nothing is measured), once per shape, so
 * the labels stay put while their numbers change.
 */

/**
 * A gradient label's box in the diagram's units, for the widest number the
 * page writes ("∇ -8.88e-16" at 16 px, bold): its width, its height, and how
 * far its baseline sits below its centre.
 */
export const EDGE_LABEL = { w: 104, h: 20, baseline: 5.5 };

const GAP = 2; // room kept between a label and anything else
const PREFERRED = 0.35; // along the edge from its source, where the edges of a fan are apart

// Spots along an edge, the preferred one first, then farther and farther from it.
const SPOTS = Array.from({ length: 45 }, (_, i) => 0.06 + i * 0.02).sort(
  (a, b) => Math.abs(a - PREFERRED) - Math.abs(b - PREFERRED),
);

/** Do two boxes {x, y, w, h} intersect (touching is not)? */
export function intersects(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Centres for the labels of the given edges, each on its edge, inside the
 * bounds and clear of every obstacle and of the other labels; null where there
 * is no room.  First each label tries the spots nearest the preferred one; if
 * that leaves some out, the labels are stacked instead: the one whose lowest
 * free spot is highest goes first, at its highest free spot, which is how
 * intervals are best packed in a column (a fan's labels share one).  The
 * arrangement that shows more labels wins.
 * @param {{x1: number, y1: number, x2: number, y2: number}[]} edges
 * @param {{x: number, y: number, w: number, h: number}[]} obstacles  nodes, headings
 * @param {{w: number, h: number}} size  one label's box
 * @param {{x: number, y: number, w: number, h: number}} bounds  the drawing
 * @returns {({x: number, y: number} | null)[]}
 */
export function placeLabels(edges, obstacles, size, bounds) {
  const fixed = obstacles.map(grow);
  const inside = (b) => b.x >= bounds.x && b.y >= bounds.y && b.x + b.w <= bounds.x + bounds.w && b.y + b.h <= bounds.y + bounds.h;
  const spots = edges.map(({ x1, y1, x2, y2 }) =>
    SPOTS.map((t) => {
      const x = x1 + t * (x2 - x1);
      const y = y1 + t * (y2 - y1);
      return { x, y, box: { x: x - size.w / 2, y: y - size.h / 2, w: size.w, h: size.h } };
    }).filter(({ box }) => inside(box) && !fixed.some((o) => intersects(box, o))),
  );
  const near = place(spots, edges.map((_, i) => i), fixed);
  if (near.every(Boolean)) return near;
  const lowest = spots.map((list) => Math.max(...list.map((s) => s.y)));
  const order = edges.map((_, i) => i).sort((a, b) => lowest[a] - lowest[b] || a - b);
  const byHeight = spots.map((list) => [...list].sort((a, b) => a.y - b.y));
  const stacked = place(byHeight, order, fixed);
  const count = (list) => list.filter(Boolean).length;
  return count(stacked) > count(near) ? stacked : near;
}

function grow(b) {
  return { x: b.x - GAP, y: b.y - GAP, w: b.w + 2 * GAP, h: b.h + 2 * GAP };
}

/** Each edge in the order given takes the first of its spots that is still free. */
function place(spots, order, fixed) {
  const taken = [...fixed];
  const placed = new Array(spots.length).fill(null);
  for (const i of order) {
    const free = spots[i].find(({ box }) => !taken.some((o) => intersects(box, o)));
    if (!free) continue;
    taken.push(grow(free.box));
    placed[i] = { x: free.x, y: free.y };
  }
  return placed;
}
