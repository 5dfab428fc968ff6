// The long connection's wire format: protobuf `pbbp2.Frame` (lark-platform.md), encoded by hand — it is small.
// SeqID=1 LogID=2 service=3 method=4 (all required), headers=5 (repeated {key=1, value=2}),
// payloadEncoding=6, payloadType=7, payload=8, LogIDNew=9.

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  /** 0 control (ping/pong), 1 data (events) */
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Uint8Array;
}

export function encodeFrame(f: Frame): Buffer {
  const out: number[] = [];
  const varint = (n: number) => {
    let v = BigInt(n);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
  };
  const key = (field: number, wire: number) => varint((field << 3) | wire);
  const bytes = (field: number, b: Uint8Array) => {
    key(field, 2);
    varint(b.length);
    out.push(...b);
  };
  key(1, 0);
  varint(f.SeqID);
  key(2, 0);
  varint(f.LogID);
  key(3, 0);
  varint(f.service);
  key(4, 0);
  varint(f.method);
  for (const h of f.headers) {
    const inner = encodeHeader(h);
    bytes(5, inner);
  }
  if (f.payload) bytes(8, f.payload);
  return Buffer.from(out);
}

function encodeHeader(h: { key: string; value: string }): Uint8Array {
  const k = Buffer.from(h.key);
  const v = Buffer.from(h.value);
  return Buffer.concat([Buffer.from([0x0a]), varintBytes(k.length), k, Buffer.from([0x12]), varintBytes(v.length), v]);
}

function varintBytes(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

export function decodeFrame(buf: Uint8Array): Frame {
  const frame: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  const r = reader(buf);
  while (!r.done()) {
    const tag = r.varint();
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) {
      const v = r.varint();
      if (field === 1) frame.SeqID = v;
      else if (field === 2) frame.LogID = v;
      else if (field === 3) frame.service = v;
      else if (field === 4) frame.method = v;
    } else if (wire === 2) {
      const b = r.bytes();
      if (field === 5) frame.headers.push(decodeHeader(b));
      else if (field === 8) frame.payload = b;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return frame;
}

function decodeHeader(buf: Uint8Array): { key: string; value: string } {
  const h = { key: "", value: "" };
  const r = reader(buf);
  while (!r.done()) {
    const tag = r.varint();
    const b = r.bytes();
    if (tag >> 3 === 1) h.key = Buffer.from(b).toString();
    else if (tag >> 3 === 2) h.value = Buffer.from(b).toString();
  }
  return h;
}

function reader(buf: Uint8Array) {
  let pos = 0;
  return {
    done: () => pos >= buf.length,
    varint() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const byte = buf[pos++]!;
        result += (byte & 0x7f) * 2 ** shift;
        if (!(byte & 0x80)) return result;
        shift += 7;
      }
    },
    bytes() {
      const len = this.varint();
      const b = buf.subarray(pos, pos + len);
      pos += len;
      return b;
    },
  };
}
