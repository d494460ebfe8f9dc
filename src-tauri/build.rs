// Declares Hearth's own commands to Tauri's permission system: the window may call only the
// ones its capability (capabilities/default.json) allows, like any plugin command.
const COMMANDS: &[&str] = &[
    "startup",
    "create_community",
    "open_library",
    "open_demo",
    "library_info",
    "suggest_library_path",
    "update_community",
    "update_dimension",
    "list_members",
    "get_member",
    "update_my_profile",
    "set_member_role",
    "create_my_profile",
    "choose_me",
    "list_prompts",
    "add_prompt",
    "list_stories",
    "get_story",
    "write_story",
    "update_story",
    "delete_story",
    "respond_to_story",
    "toggle_story_reaction",
    "upcoming_celebrations",
    "recent_accomplishments",
    "celebration_board",
    "leave_celebration_message",
    "post_accomplishment",
    "export_celebrations_ics",
    "directory",
    "directory_facets",
    "people_to_meet",
    "list_care_notes",
    "share_care_note",
    "offer_support",
    "close_care_note",
    "preview_member_import",
    "import_members",
    "export_members_csv",
    "set_my_portrait",
    "store_photo",
    "get_settings",
    "set_theme",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
