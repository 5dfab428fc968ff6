import { createHash } from "node:crypto";

// File contents for the attachment tests: what the upload checks recognise by their bytes, whatever the name says.

/** A minimal PDF; `note` (a comment line, and the text after %%EOF) makes each one's bytes and hash differ. */
export function pdfBytes(note = ""): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.4\n${note ? `% ${note}\n` : ""}1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
}

/** The start of a 1×1 PNG; `last` (its last byte) makes each one's bytes and hash differ. */
export function pngBytes(last = 0x89): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, last]);
}

/** The start of a Windows program (MZ header, PE signature), as a renamed .exe begins. */
export const EXE: Uint8Array = (() => {
  const b = new Uint8Array(512);
  b.set([0x4d, 0x5a]);
  b[0x3c] = 0x80;
  b.set([0x50, 0x45, 0, 0], 0x80);
  return b;
})();

/** SHA-256 in hex, as attachments store it. */
export const sha256Hex = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
