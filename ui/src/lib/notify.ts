// Desktop notifications for today's celebrations, once per occasion, while the app runs.
import { isPermissionGranted, requestPermission, sendNotification } from "@tauri-apps/plugin-notification";
import { call, commands } from "./api";
import { toNotify } from "./people/celebrations";
import { gatheringDate, gatheringsToRemind } from "./convene/rituals";
import { reminderDue } from "./pulse/pulse";

const storageKey = "hearth.notified";

function notifiedKeys(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(storageKey) ?? "[]") as string[]);
  } catch {
    return new Set();
  }
}

/** Notifies of today's occasions not yet notified. Silently does nothing without permission. */
export async function notifyToday(): Promise<void> {
  const today = await call(commands.upcomingCelebrations(0));
  const notified = notifiedKeys();
  const fresh = toNotify(today, new Date(), notified);
  if (fresh.length === 0) return;
  let granted = await isPermissionGranted();
  if (!granted) granted = (await requestPermission()) === "granted";
  if (!granted) return;
  for (const occasion of fresh) {
    const title = occasion.kind === "birthday" ? occasion.title : `${occasion.member.displayName}: ${occasion.title}`;
    sendNotification({ title: `Today: ${title}`, body: "Open Hearth to leave a message on the board." });
    notified.add(occasion.key);
  }
  // Only this year's keys matter; they name their year or accomplishment.
  localStorage.setItem(storageKey, JSON.stringify([...notified].slice(-500)));
}

/** Reminds, the day before, of gatherings this member is going to, once each. */
export async function remindGatherings(): Promise<void> {
  const notified = notifiedKeys();
  const due = gatheringsToRemind(await call(commands.listRituals()), new Date(), notified);
  if (due.length === 0) return;
  let granted = await isPermissionGranted();
  if (!granted) granted = (await requestPermission()) === "granted";
  if (!granted) return;
  for (const { key, ritual, gathering } of due) {
    sendNotification({ title: `Tomorrow: ${ritual.name}`, body: `${gatheringDate(gathering.local)}${ritual.place ? ` · ${ritual.place}` : ""}` });
    notified.add(key);
  }
  localStorage.setItem(storageKey, JSON.stringify([...notified].slice(-500)));
}

/** Reminds of an open pulse round not answered yet: when the app opens on it, after 3 and 7
 * days, then at most every 14 days. */
export async function remindPulse(): Promise<void> {
  const notified = notifiedKeys();
  const now = Date.now();
  const due = (await call(commands.listPulseRounds())).flatMap((round) => {
    const key = reminderDue(round, now, notified);
    return key ? [{ key, round }] : [];
  });
  if (due.length === 0) return;
  let granted = await isPermissionGranted();
  if (!granted) granted = (await requestPermission()) === "granted";
  if (!granted) return;
  for (const { key, round } of due) {
    sendNotification({ title: `Community pulse: ${round.title || "a round is open"}`, body: "Set the sliders: where is the community now, and where do you wish it were?" });
    notified.add(key);
  }
  localStorage.setItem(storageKey, JSON.stringify([...notified].slice(-500)));
}
