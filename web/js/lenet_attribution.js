// Why a network decides (5.5.4's viewer): occlusion (遮挡).  A gray patch
// at every stride-th place, and the class's probability again: the drop at
// each place is how much the network leaned on what the patch hid.  The
// same rules as book/lenet/attribution.py (tests/test_attribution.py).

import { IMAGE_SIZE as SIZE } from "./lenet_contract.js";
import { forward } from "./lenet_forward.js";

export const OCCLUSION_FILL = 0.5;  // the patch's gray

/** The patch's top (or left) edges while it stays inside the image. */
export function occlusionPositions(size, stride) {
  const places = [];
  for (let p = 0; p + size <= SIZE; p += stride) places.push(p);
  return places;
}

/** `image` with the patch's top left corner at (top, left). */
export function occludedImage(image, top, left, size) {
  const out = Float32Array.from(image);
  for (let y = top; y < top + size; y++) out.fill(OCCLUSION_FILL, y * SIZE + left, y * SIZE + left + size);
  return out;
}

/** {places, base, drops}: `label`'s probability on `image` (base) less its
 * probability with the patch at each place, row by row (n * n drops). */
export function occlusionMap(network, image, label, size, stride) {
  const places = occlusionPositions(size, stride);
  const base = forward(network, image).probabilities[label];
  const drops = new Float32Array(places.length ** 2);
  places.forEach((top, i) => places.forEach((left, j) => {
    drops[i * places.length + j] = base
      - forward(network, occludedImage(image, top, left, size)).probabilities[label];
  }));
  return { places, base, drops };
}
