import { createRequire } from 'node:module';
import { palettePng } from './palette-png.js';

export interface RenderedPng {
  png: Uint8Array;
  width: number;
  height: number;
}

const require = createRequire(import.meta.url);

/**
 * The one importer of @resvg/resvg-js (Rust resvg through napi-rs prebuilt binaries: no node-gyp, no
 * system cairo; CHANGELOG.md). Loaded on the first chart, so a vigil that never draws one never loads
 * the native module. Fonts come from the dejavu-fonts-ttf package, never the system: containers
 * usually have none, and a chart must read the same everywhere.
 */
export async function renderPng(svg: string): Promise<RenderedPng> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: [
        require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
        require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
      ],
      defaultFontFamily: 'DejaVu Sans',
    },
    background: '#ffffff',
    // Crisp shape edges keep the palette small; text stays anti-aliased for legibility.
    shapeRendering: 1,
  });
  const image = resvg.render();
  return {
    png: palettePng(image.pixels, image.width, image.height),
    width: image.width,
    height: image.height,
  };
}
