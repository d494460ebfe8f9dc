import { describe, expect, it } from "vitest";
import { emptyForm, formatTarget, parseTarget } from "./syncTarget";

describe("sync targets", () => {
  it("read back what they write, for each kind", () => {
    for (const text of ["/media/usb/circle", "s3://souvenirs?endpoint=http://127.0.0.1:9000&region=eu-west-1", "s3://souvenirs", "https://cloud.example/dav/hearth"]) {
      expect(formatTarget(parseTarget(text))).toBe(text);
    }
  });

  it("know an S3 bucket's endpoint and a WebDAV address apart from a folder", () => {
    expect(parseTarget("s3://b?endpoint=http://127.0.0.1:9000")).toMatchObject({ kind: "s3", bucket: "b", endpoint: "http://127.0.0.1:9000" });
    expect(parseTarget("webdav+https://x.example/d")).toMatchObject({ kind: "webdav", url: "https://x.example/d" });
    expect(parseTarget(null)).toMatchObject({ kind: "folder", folder: "" });
  });

  it("give nothing to sync with until the form names a place", () => {
    expect(formatTarget({ ...emptyForm(), kind: "s3", endpoint: "http://127.0.0.1:9000" })).toBe("");
    expect(formatTarget({ ...emptyForm(), kind: "webdav", url: "  " })).toBe("");
  });
});
