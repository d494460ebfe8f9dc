// Sync targets as the settings form edits them, and as the core reads them: a folder path,
// `s3://bucket?endpoint=…&region=…`, or a WebDAV `http(s)://…` address.

export type TargetKind = "folder" | "s3" | "webdav";

export type TargetForm = {
  kind: TargetKind;
  folder: string;
  endpoint: string;
  bucket: string;
  region: string;
  url: string;
};

export const emptyForm = (): TargetForm => ({ kind: "folder", folder: "", endpoint: "", bucket: "", region: "", url: "" });

/** The form for a remembered target. */
export function parseTarget(text: string | null | undefined): TargetForm {
  const form = emptyForm();
  const target = (text ?? "").trim();
  if (target.startsWith("s3://")) {
    const [bucket, query = ""] = target.slice(5).split("?", 2);
    const settings = new URLSearchParams(query);
    return { ...form, kind: "s3", bucket, endpoint: settings.get("endpoint") ?? "", region: settings.get("region") ?? "" };
  }
  const web = target.replace(/^webdav\+/, "");
  if (/^https?:\/\//.test(web)) return { ...form, kind: "webdav", url: web };
  return { ...form, folder: target };
}

/** The target the core is given, or "" when the form is not filled in enough. */
export function formatTarget(form: TargetForm): string {
  switch (form.kind) {
    case "folder":
      return form.folder.trim();
    case "s3": {
      const bucket = form.bucket.trim();
      if (!bucket) return "";
      const settings: string[] = [];
      // Kept readable (no percent-encoding): the core splits on & and = only.
      if (form.endpoint.trim()) settings.push(`endpoint=${form.endpoint.trim()}`);
      if (form.region.trim()) settings.push(`region=${form.region.trim()}`);
      return `s3://${bucket}${settings.length ? `?${settings.join("&")}` : ""}`;
    }
    case "webdav":
      return form.url.trim();
  }
}
