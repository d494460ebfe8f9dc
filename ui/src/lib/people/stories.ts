// How stories look: reaction icons and labels, and dates. Icons are Lucide's SVGs, so they
// show whatever fonts a laptop has (text symbols and colour emoji do not, on many Linux desktops).
import type { Component } from "svelte";
import Flower from "@lucide/svelte/icons/flower";
import Heart from "@lucide/svelte/icons/heart";
import HeartHandshake from "@lucide/svelte/icons/heart-handshake";
import Lightbulb from "@lucide/svelte/icons/lightbulb";
import Smile from "@lucide/svelte/icons/smile";
import { formatDate } from "../dates";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Icon = Component<any>;

export const reactions: { id: string; icon: Icon; word: string; label: string }[] = [
  { id: "heart", icon: Heart, word: "Love", label: "Love this" },
  { id: "thanks", icon: Flower, word: "Thanks", label: "Thank you" },
  { id: "insight", icon: Lightbulb, word: "Learned", label: "Learned from this" },
  { id: "hug", icon: HeartHandshake, word: "Hug", label: "Sending a hug" },
  { id: "laugh", icon: Smile, word: "Smile", label: "Made me smile" },
];

export function reactionIcon(id: string): Icon {
  return reactions.find((r) => r.id === id)?.icon ?? Heart;
}

/** "12 October 2025" in the reader's language. */
export function longDate(at: number): string {
  return formatDate(at, undefined, { day: "numeric", month: "long", year: "numeric" });
}
