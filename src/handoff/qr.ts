import QRCode from 'qrcode';

/**
 * The hand-off link as an SVG QR code, made on the server (no script or CDN on the page).
 * Error correction M (15 %) reads reliably from a laptop screen; a 4-module quiet zone is what
 * the QR specification asks for.
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
}
