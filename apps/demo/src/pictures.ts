import type { RgbaImage } from 'webgrad';

/** Shows PNG bytes (from the packages' picture functions) in an `<img>`, freeing the previous picture. */
export function showPng(img: HTMLImageElement, png: Uint8Array): Promise<void> {
  const previous = img.src;
  const loaded = new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error(`could not decode the PNG shown in #${img.id}`));
  });
  img.src = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  if (previous.startsWith('blob:')) URL.revokeObjectURL(previous);
  return loaded;
}

/** Draws an RGBA image onto a canvas (resizing the canvas to it). */
export function drawRgba(canvas: HTMLCanvasElement, image: RgbaImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const data = new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
}
