// What an invitation code says, so the join form can show it before anything is written.
// The code is `hearth-invite:` and the invitation's JSON in unpadded base64url.

export type InvitationSummary = { community: string; name: string; target: string | null };

const PREFIX = "hearth-invite:";

export function describeInvitation(text: string): InvitationSummary | null {
  const code = text.trim();
  if (!code.startsWith(PREFIX)) return null;
  try {
    const base64 = code.slice(PREFIX.length).replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    const parsed = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof parsed.community !== "string" || typeof parsed.name !== "string") return null;
    return { community: parsed.community, name: parsed.name, target: typeof parsed.target === "string" ? parsed.target : null };
  } catch {
    return null;
  }
}
