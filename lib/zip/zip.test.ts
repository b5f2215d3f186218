import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template } from "../design";
import { bundleToZip } from "./index";

function saasBundle() {
  const result = compileDesign(template("saas"));
  if (!result.ok) throw new Error("the saas template does not compile");
  return result.bundle;
}

describe("bundleToZip", () => {
  it("holds exactly the bundle's files, at the bundle's paths, byte for byte", () => {
    const bundle = saasBundle();
    const entries = unzipSync(bundleToZip(bundle));
    expect(Object.keys(entries)).toEqual(bundle.map((f) => f.path));
    for (const file of bundle) expect(new TextDecoder().decode(entries[file.path])).toBe(file.contents);
  });

  it("gives the same bytes for the same bundle, whatever the clock says", () => {
    const bundle = saasBundle();
    const first = bundleToZip(bundle);
    const realNow = Date.now;
    Date.now = () => realNow() + 86_400_000 * 400;
    try {
      expect(Buffer.from(bundleToZip(bundle)).equals(Buffer.from(first))).toBe(true);
    } finally {
      Date.now = realNow;
    }
  });

  it("dates every entry 1980-01-01 00:00 (DOS time 0x00210000)", () => {
    const zip = bundleToZip([{ path: "a.txt", contents: "a" }]);
    const view = new DataView(zip.buffer, zip.byteOffset);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint32(10, true)).toBe((1 << 21) | (1 << 16));
  });

  it("refuses a bundle that names one path twice", () => {
    expect(() => bundleToZip([{ path: "a", contents: "1" }, { path: "a", contents: "2" }])).toThrow(/twice/);
  });
});

describe("bundleToZip with a folder and the design", () => {
  it("puts every file in one top folder named after the design, design.json beside the bundle", () => {
    const bundle = saasBundle();
    const design = template("saas");
    const entries = unzipSync(bundleToZip(bundle, { folder: "Acme CRM!", design }));
    expect(Object.keys(entries)).toEqual([...bundle.map((f) => `acme-crm/${f.path}`), "acme-crm/design.json"]);
    expect(JSON.parse(new TextDecoder().decode(entries["acme-crm/design.json"]))).toEqual(design);
    // design.json alone compiles back to the same bundle.
    const again = compileDesign(JSON.parse(new TextDecoder().decode(entries["acme-crm/design.json"])));
    expect(again.ok && again.bundle).toEqual(bundle);
  });
});
