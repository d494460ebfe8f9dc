// The app's sections, in sidebar order, each with its icon from Lucide (an SVG, so it shows
// whatever fonts the laptop has).
import type { Component } from "svelte";
import Activity from "@lucide/svelte/icons/activity";
import HeartPulse from "@lucide/svelte/icons/heart-pulse";
import House from "@lucide/svelte/icons/house";
import Images from "@lucide/svelte/icons/images";
import Lightbulb from "@lucide/svelte/icons/lightbulb";
import Music from "@lucide/svelte/icons/music";
import SettingsIcon from "@lucide/svelte/icons/settings";
import Users from "@lucide/svelte/icons/users";

export type Section = "home" | "people" | "memories" | "initiatives" | "rituals" | "pulse" | "health" | "settings";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const sections: { id: Section; label: string; icon: Component<any> }[] = [
  { id: "home", label: "Home", icon: House },
  { id: "people", label: "People", icon: Users },
  { id: "memories", label: "Memories", icon: Images },
  { id: "initiatives", label: "Initiatives", icon: Lightbulb },
  { id: "rituals", label: "Rituals & artefacts", icon: Music },
  { id: "pulse", label: "Community pulse", icon: Activity },
  { id: "health", label: "Community health", icon: HeartPulse },
  { id: "settings", label: "Settings", icon: SettingsIcon },
];

export type PeopleTab = "directory" | "stories" | "celebrations" | "care";
