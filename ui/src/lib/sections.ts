// The app's sections, in sidebar order.
export type Section = "home" | "people" | "memories" | "initiatives" | "rituals" | "pulse" | "health" | "settings";

export const sections: { id: Section; label: string; icon: string }[] = [
  { id: "home", label: "Home", icon: "⌂" },
  { id: "people", label: "People", icon: "☺" },
  { id: "memories", label: "Memories", icon: "▣" },
  { id: "initiatives", label: "Initiatives", icon: "➚" },
  { id: "rituals", label: "Rituals & artefacts", icon: "♫" },
  { id: "pulse", label: "Community pulse", icon: "≋" },
  { id: "health", label: "Community health", icon: "✚" },
  { id: "settings", label: "Settings", icon: "⚙" },
];

export type PeopleTab = "directory" | "stories" | "celebrations" | "care";
