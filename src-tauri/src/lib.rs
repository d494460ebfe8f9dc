//! Hearth's desktop shell: a Tauri window over the `hearth` core. It holds state, exposes thin
//! commands and generates the window's typed bindings; all logic lives in the core.

mod chosen;
mod commands;
pub mod error;
mod opening;
mod painting;
mod protocol;
mod scripting;
pub mod state;
mod video_server;

use std::path::PathBuf;

use specta_typescript::Typescript;
use tauri_specta::{collect_commands, Builder};

use crate::state::AppState;

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .disable_serde_phases()
        .commands(collect_commands![
            commands::library::startup,
            commands::bench::startup_mark,
            commands::settings::set_text_size,
            commands::library::create_community,
            commands::library::open_library,
            commands::library::open_demo,
            commands::library::library_info,
            commands::library::suggest_library_path,
            commands::dialogs::choose_paths,
            commands::dialogs::choose_save_path,
            commands::artefacts::list_artefacts,
            commands::artefacts::get_artefact,
            commands::artefacts::create_artefact,
            commands::artefacts::update_artefact,
            commands::artefacts::delete_artefact,
            commands::artefacts::attach_artefact_file,
            commands::artefacts::remove_artefact_file,
            commands::artefacts::save_artefact_file,
            commands::artefacts::write_account,
            commands::artefacts::hide_account,
            commands::artefacts::delete_account,
            commands::artefacts::add_version,
            commands::artefacts::update_version,
            commands::artefacts::order_size,
            commands::artefacts::save_orders_csv,
            commands::badges::list_badges,
            commands::badges::define_badge,
            commands::badges::update_badge,
            commands::badges::delete_badge,
            commands::badges::award_badge,
            commands::badges::decline_request,
            commands::badges::revoke_award,
            commands::badges::request_badge,
            commands::badges::respond_award,
            commands::badges::offered_awards,
            commands::badges::my_awards,
            commands::badges::member_badges,
            commands::badges::export_award,
            commands::artefacts::artefact_history,
            commands::badges::store_badge_image,
            commands::pulse::list_pulse_rounds,
            commands::pulse::open_pulse_round,
            commands::pulse::answer_pulse,
            commands::pulse::close_pulse_round,
            commands::pulse::pulse_threshold,
            commands::pulse::set_pulse_threshold,
            commands::health::health_report,
            commands::health::health_opt_out,
            commands::health::set_health_opt_out,
            commands::yearbook::featured_in_memories,
            commands::yearbook::set_featured_in_memories,
            commands::yearbook::yearbook_default_folder,
            commands::yearbook::yearbook_years,
            commands::yearbook::yearbook_coverage,
            commands::yearbook::start_yearbook,
            commands::yearbook::yearbook_status,
            commands::yearbook::cancel_yearbook,
            commands::yearbook::open_yearbook_folder,
            commands::links::open_link,
            commands::yearbook::hidden_dates,
            commands::yearbook::hide_date,
            commands::yearbook::show_date_again,
            commands::yearbook::primer_choices,
            commands::yearbook::set_primer_stories,
            commands::yearbook::set_welcomes_newcomers,
            commands::yearbook::my_yearbook_pages,
            commands::yearbook::write_yearbook_page,
            commands::yearbook::yearbook_photos_to_choose,
            commands::yearbook::yearbook_signatures,
            commands::yearbook::sign_yearbook,
            commands::yearbook::approve_signature,
            commands::yearbook::my_farewell,
            commands::yearbook::write_farewell,
            commands::moments::latest_moment_pictures,
            commands::rituals::list_rituals,
            commands::rituals::get_ritual,
            commands::rituals::create_ritual,
            commands::rituals::update_ritual,
            commands::rituals::delete_ritual,
            commands::rituals::answer_gathering,
            commands::rituals::change_gathering,
            commands::rituals::export_ritual_ics,
            commands::rituals::mix_tables,
            commands::rituals::offer_to_host,
            commands::rituals::set_gathering_host,
            commands::rituals::gathering_moment,
            commands::rituals::record_attendance,
            commands::rituals::confirm_attendance,
            commands::rituals::add_bring_item,
            commands::rituals::claim_bring_item,
            commands::rituals::mark_item_brought,
            commands::rituals::remove_bring_item,
            commands::rituals::ask_welcomer,
            commands::rituals::my_streaks,
            commands::rituals::conversation_pairs,
            commands::rituals::opt_in_to_pairs,
            commands::rituals::start_pair_round,
            commands::community::update_community,
            commands::community::update_dimension,
            commands::members::list_members,
            commands::members::get_member,
            commands::members::update_my_profile,
            commands::members::set_member_role,
            commands::members::create_my_profile,
            commands::members::choose_me,
            commands::stories::list_prompts,
            commands::stories::add_prompt,
            commands::stories::list_stories,
            commands::stories::get_story,
            commands::stories::write_story,
            commands::stories::update_story,
            commands::stories::delete_story,
            commands::stories::respond_to_story,
            commands::stories::toggle_story_reaction,
            commands::celebrations::upcoming_celebrations,
            commands::celebrations::recent_accomplishments,
            commands::celebrations::celebration_board,
            commands::celebrations::leave_celebration_message,
            commands::celebrations::post_accomplishment,
            commands::celebrations::export_celebrations_ics,
            commands::members::directory,
            commands::members::directory_facets,
            commands::members::people_to_meet,
            commands::members::newcomers,
            commands::care::list_care_notes,
            commands::care::share_care_note,
            commands::care::offer_support,
            commands::care::close_care_note,
            commands::members::preview_member_import,
            commands::members::import_members,
            commands::members::export_members_csv,
            commands::members::set_my_portrait,
            commands::members::store_photo,
            commands::initiatives::list_initiatives,
            commands::initiatives::get_initiative,
            commands::initiatives::propose_initiative,
            commands::initiatives::move_initiative,
            commands::initiatives::close_initiative,
            commands::initiatives::support_initiative,
            commands::initiatives::withdraw_initiative_support,
            commands::initiatives::involve_in_initiative,
            commands::initiatives::post_initiative_update,
            commands::initiatives::initiatives_for_you,
            commands::initiatives::suggest_collaborators,
            commands::initiatives::list_decisions,
            commands::initiatives::propose_decision,
            commands::initiatives::take_stance,
            commands::initiatives::close_decision,
            commands::settings::get_settings,
            commands::settings::set_theme,
            commands::media::media_page,
            commands::media::media_months,
            commands::media::media_detail,
            commands::media::gallery_counts,
            commands::media::set_caption,
            commands::media::set_highlight,
            commands::media::set_media_moment,
            commands::media::delete_media,
            commands::media::tag_member,
            commands::media::untag_member,
            commands::media::answer_tag,
            commands::media::my_tag_requests,
            commands::media::my_photo_consent,
            commands::media::set_photo_consent,
            commands::media::request_hide,
            commands::media::hide_requests,
            commands::media::resolve_hide_request,
            commands::moments::list_moments,
            commands::moments::get_moment,
            commands::moments::create_moment,
            commands::moments::update_moment,
            commands::moments::delete_moment,
            commands::moments::suggest_moments,
            commands::moments::accept_suggestion,
            commands::moments::on_this_day,
            commands::moments::community_history,
            commands::import::start_import,
            commands::import::import_status,
            commands::import::cancel_import,
            commands::albums::list_albums,
            commands::albums::create_album,
            commands::albums::update_album,
            commands::albums::delete_album,
            commands::albums::add_to_album,
            commands::albums::remove_from_album,
            commands::albums::albums_of_media,
            commands::albums::export_media,
            commands::media::video_base_url,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::test_sync_target,
            commands::sync::create_invitation,
            commands::sync::join_community,
            commands::sync::set_originals_on_demand,
            commands::sync::keep_offline,
            commands::sync::kept_offline,
            commands::sync::list_devices,
            commands::sync::remove_device,
            commands::sync::set_auto_sync,
            commands::sync::pending_invitations,
            commands::sync::withdraw_invitation,
            commands::sync::set_aside_changes,
            commands::sync::shared_before_sealing,
            commands::sync::release_set_aside,
            commands::sync::my_revisions,
            commands::sync::restore_revision,
        ])
        // Carried by the `sync-progress` event rather than returned by a command.
        .typ::<hearth::sync::SyncProgress>()
        .typ::<commands::sync::AutoSyncOutcome>()
}

pub fn export_bindings(path: &std::path::Path) {
    specta_builder()
        .export(Typescript::default().header("// Generated by `make bindings` from src-tauri; do not edit.\n"), path)
        .expect("bindings export");
}

/// `--library <folder>` and `--config-dir <folder>` (or `HEARTH_LIBRARY`, `HEARTH_CONFIG_DIR`)
/// let tests and people with several communities choose what the window opens.
struct Launch {
    library: Option<PathBuf>,
    config_dir: PathBuf,
}

fn launch_options() -> Launch {
    let mut library = std::env::var_os("HEARTH_LIBRARY").map(PathBuf::from);
    let mut config_dir = std::env::var_os("HEARTH_CONFIG_DIR").map(PathBuf::from);
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--library") => library = args.next().map(PathBuf::from),
            Some("--config-dir") => config_dir = args.next().map(PathBuf::from),
            _ => {}
        }
    }
    let config_dir = config_dir.unwrap_or_else(|| dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("Hearth"));
    Launch { library, config_dir }
}

/// Whether the window may go to `url`: only Hearth's own pages (served by the app, or by the
/// development server in a development build). A member's link, or a script, that points
/// elsewhere is refused here; the page offers to open web links in the browser instead.
fn stays_in_app(url: &tauri::Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => true,
        ("about", _) => url.as_str() == "about:blank",
        #[cfg(not(feature = "custom-protocol"))]
        ("http", Some("localhost")) => url.port() == Some(1420),
        _ => false,
    }
}

/// The web view keeps no memory cache of what it loaded (WebKit's "document viewer" cache
/// model): the window is one page whose pictures come from the library on disk in
/// milliseconds.
fn tune_web_view(app: &tauri::App) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    for window in tauri::Manager::webview_windows(app).into_values() {
        window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        })?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
    Ok(())
}

pub fn run() {
    let painted = painting::choose();
    let without_compositing = painted.contains(&painting::DISABLE_COMPOSITING);
    let interpreted = scripting::choose();
    // What Hearth opens outside (links, a folder) runs without these.
    opening::remember(painted.iter().copied().chain(interpreted.then_some(scripting::USE_JIT)).collect());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    if without_compositing {
        tracing::info!("no GPU render node: WebKit paints without accelerated compositing");
    }
    if interpreted {
        tracing::info!("JavaScriptCore runs the page without its JIT (JSC_useJIT=false)");
    }
    let launch = launch_options();
    let builder = specta_builder();
    let listener = video_server::bind().expect("no loopback port for videos");
    let port = listener.local_addr().expect("the loopback port").port();
    let mut context = tauri::generate_context!();
    let security = &mut context.config_mut().app.security;
    if let Some(tauri::utils::config::Csp::Policy(csp)) = &mut security.csp {
        *csp = video_server::narrow_csp(csp, port);
    }
    let chosen = chosen::Chosen::default();
    chosen.grant_from_environment();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        // Links open through Hearth's own `open_link`, after the window asks (ui: App.svelte).
        // No opener plugin: its page script opens Ctrl- and Shift-clicked links unasked.
        // The window never leaves Hearth's own pages, whatever a link or a script asks.
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("navigation-guard")
                .on_navigation(|_, url| stays_in_app(url))
                .build(),
        )
        .manage(AppState::new(launch.library, launch.config_dir))
        .manage(chosen)
        .manage(commands::bench::StartupBench::from_environment())
        // A drop on the window grants what it brought, before the page hears of it (Tauri runs
        // its own handler, which queues the page's event, and then this one, in one turn).
        .on_webview_event(|webview, event| {
            if let tauri::WebviewEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let chosen = tauri::Manager::state::<chosen::Chosen>(webview);
                paths.iter().for_each(|path| chosen.grant(path, chosen::Reach::Within, chosen::Use::Read));
            }
        })
        // Images reach the page as hearth://localhost/{blobs|thumbs}/<hash>, never as bytes over IPC.
        // Answered off the main thread: an original may first have to come from the sync target.
        .register_asynchronous_uri_scheme_protocol("hearth", |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            tauri::async_runtime::spawn_blocking(move || responder.respond(protocol::serve(&app, &request)));
        })
        // Videos go over loopback HTTP instead (WebKitGTK cannot play custom schemes).
        .setup(move |app| {
            tune_web_view(app)?;
            let base = video_server::start(app.handle().clone(), listener)?;
            tauri::Manager::manage(app, commands::media::VideoBase(base));
            commands::sync::start_auto_sync(app.handle().clone());
            Ok(())
        })
        .invoke_handler(builder.invoke_handler())
        .run(context)
        .expect("the Hearth window failed to start");
}

#[cfg(test)]
mod tests {
    /// The committed bindings must match the commands; regenerate with `make bindings`.
    #[test]
    fn bindings_are_fresh() {
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::BINDINGS_PATH);
        if std::env::var_os("HEARTH_WRITE_BINDINGS").is_some() {
            super::export_bindings(&committed);
            return;
        }
        let fresh = tempfile::NamedTempFile::new().unwrap();
        super::export_bindings(fresh.path());
        let fresh = std::fs::read_to_string(fresh.path()).unwrap();
        let committed = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(fresh == committed, "ui/src/lib/bindings.ts is stale: run `make bindings` and commit it");
    }
}

#[cfg(test)]
mod capability_tests {
    /// Every command the window can call must be allowed by its capability, and nothing else:
    /// a command missing there fails only at run time, in the window.
    #[test]
    fn capability_allows_exactly_the_registered_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).expect("capability is JSON");
        let mut allowed: Vec<String> = capability["permissions"]
            .as_array()
            .expect("permissions list")
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .filter(|c| !c.contains(':'))
            .collect();
        allowed.sort();
        let bindings = include_str!("../../ui/src/lib/bindings.ts");
        let mut registered: Vec<String> = bindings
            .lines()
            .filter_map(|line| {
                let call = line.split("__TAURI_INVOKE").nth(1)?;
                call.split("(\"").nth(1)?.split('"').next().map(str::to_owned)
            })
            .collect();
        registered.sort();
        registered.dedup();
        assert_eq!(allowed, registered, "capabilities/default.json and the commands differ");
    }

    /// Beyond Hearth's own commands the window gets exactly these, each for a reason; anything
    /// more (core:default's window, menu, tray, image and path APIs) is a door nobody uses.
    #[test]
    fn capability_grants_nothing_the_window_does_not_use() {
        let reasons = [
            ("core:event:allow-listen", "sync and import progress, automatic sync, files dropped on the window"),
            ("core:event:allow-unlisten", "a page stops listening when it closes"),
            ("notification:default", "today's celebrations as a desktop notification"),
            // Links open through Hearth's own `open_link` (checked again, started without the
            // window's WebKit settings), so the opener plugin grants the window nothing.
        ];
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).expect("capability is JSON");
        let mut granted: Vec<&str> = capability["permissions"]
            .as_array()
            .expect("permissions list")
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| p.contains(':'))
            .collect();
        granted.sort();
        let mut expected: Vec<&str> = reasons.iter().map(|(permission, _)| *permission).collect();
        expected.sort();
        assert_eq!(granted, expected, "every permission beyond Hearth's commands needs a reason here");
    }
}

#[cfg(test)]
mod navigation_tests {
    use super::stays_in_app;

    #[test]
    fn the_window_stays_on_hearths_own_pages() {
        let url = |text: &str| tauri::Url::parse(text).unwrap();
        assert!(stays_in_app(&url("tauri://localhost/index.html")));
        assert!(stays_in_app(&url("http://tauri.localhost/")));
        for elsewhere in [
            "https://evil.example/login",
            "http://evil.example//x",
            "http://127.0.0.1:8080/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "tauri://evil.example/",
        ] {
            assert!(!stays_in_app(&url(elsewhere)), "{elsewhere} leaves Hearth");
        }
    }
}
