//! Member-written Markdown, rendered once in the core and sanitised, so no member can inject
//! HTML or script into another member's window (which matters once sync brings their text in).

/// Safe HTML for `markdown`: formatting and links survive, scripts, styles, images from
/// elsewhere and event handlers do not. Links open nowhere but the page they are on.
pub fn render(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .rm_tags(&["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // A relative link would point inside the app's own pages: a member's link goes to the web.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

/// The text of `markdown` without its marks, one string per paragraph, heading or list item
/// (for the yearbook's PDF, which sets words, not HTML). Inline code keeps its text; images,
/// raw HTML and link targets are left out.
pub fn plain_paragraphs(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, TagEnd};
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut in_image = 0usize;
    for event in pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(pulldown_cmark::Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if in_image == 0 => current.push_str(&text),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => {
                let paragraph = current.split_whitespace().collect::<Vec<_>>().join(" ");
                if !paragraph.is_empty() {
                    paragraphs.push(paragraph);
                }
                current.clear();
            }
            _ => {}
        }
    }
    let rest = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !rest.is_empty() {
        paragraphs.push(rest);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::{plain_paragraphs, render};

    #[test]
    fn plain_paragraphs_keep_the_words_and_drop_the_marks() {
        assert_eq!(
            plain_paragraphs(
                "We *met* at **noon**\nby the river.\n\n- bread\n- `tea`\n\n![x](http://evil/t.png)<b>hi</b>"
            ),
            vec!["We met at noon by the river.", "bread", "tea", "hi"],
            "HTML tags and images are not words of the story; the words between tags are"
        );
    }

    #[test]
    fn formatting_survives() {
        assert_eq!(render("*kind* **words**"), "<p><em>kind</em> <strong>words</strong></p>\n");
    }

    #[test]
    fn scripts_handlers_and_remote_images_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\nsay <b onclick=\"steal()\">hi</b>\n\n![x](http://evil/track.png) [a](javascript:alert(1))",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(html.contains("<b>hi</b>"), "harmless markup stays: {html}");
    }

    #[test]
    fn only_links_to_the_web_survive() {
        let html =
            render("[web](https://example.org/x) [page](settings) [up](../index.html) [other](//evil.example/x)");
        assert!(html.contains("href=\"https://example.org/x\""), "{html}");
        for gone in ["settings", "../index.html", "//evil.example"] {
            assert!(!html.contains(&format!("href=\"{gone}")), "a relative link is dropped: {html}");
        }
    }
}
