//! Charts drawn on the server as SVG: no JavaScript, nothing the strict CSP
//! would block (colours are presentation attributes, not inline styles).

use std::fmt::Write;

/// Escapes text for SVG/XML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub const ACCENT: &str = "#0f766e";
pub const GOOD: &str = "#15803d";
pub const WARN: &str = "#b45309";
pub const BAD: &str = "#b91c1c";
pub const MUTED: &str = "#94a3b8";

/// The chart's width, in its own units (it scales to its card).
const WIDTH: f64 = 420.0;
/// Room right of the longest bar for its value.
const VALUE_ROOM: f64 = 44.0;

/// About how wide a label is at 12 px: CJK characters take twice the room
/// of Latin ones. The label column is as wide as its longest label needs.
fn label_width(label: &str) -> f64 {
    label
        .chars()
        .map(|c| if c.is_ascii() { 6.8 } else { 12.5 })
        .sum()
}

/// Horizontal bars: (label, value, colour, link). Values are drawn to the
/// largest one; each bar links to the records behind it.
pub fn bars(title: &str, items: &[(String, f64, &str, String)]) -> String {
    let row = 28;
    let height = 24 + row * items.len();
    let max = items
        .iter()
        .map(|(_, v, _, _)| *v)
        .fold(0.0, f64::max)
        .max(1.0);
    let labels = items
        .iter()
        .map(|(label, ..)| label_width(label))
        .fold(0.0, f64::max)
        .clamp(60.0, 240.0);
    let bar_x = labels + 12.0;
    let room = WIDTH - bar_x - VALUE_ROOM;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for (i, (label, value, colour, link)) in items.iter().enumerate() {
        let y = 12 + i * row;
        let width = (value / max * room).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<a href="{link}"><text x="0" y="{ty}" font-size="12" fill="rgb(51,65,85)">{label}</text><rect x="{bar_x:.1}" y="{y}" width="{width:.1}" height="18" rx="3" fill="{colour}"/><text x="{tx:.1}" y="{ty}" font-size="12" fill="rgb(15,23,42)">{value}</text></a>"#,
            link = esc(link),
            ty = y + 13,
            label = esc(label),
            tx = bar_x + 6.0 + width,
            value = format_number(*value),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One part of a stacked bar: (share %, colour, legend).
pub type Segment<'a> = (Option<f64>, &'a str, String);

/// 100 % stacked bars, one per row: (row label, [(share %, colour, legend)]).
pub fn stacked(title: &str, rows: &[(String, Vec<Segment>)]) -> String {
    let row = 34;
    let height = 40 + row * rows.len();
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for (i, (label, parts)) in rows.iter().enumerate() {
        let y = 8 + i * row;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" font-size="12" fill="rgb(51,65,85)">{}</text>"#,
            y + 15,
            esc(label)
        );
        let mut x = 60.0;
        for (share, colour, _) in parts {
            let w = share.unwrap_or(0.0) / 100.0 * 340.0;
            if w <= 0.0 {
                continue;
            }
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="22" fill="{colour}"/>"#
            );
            if w > 34.0 {
                let _ = write!(
                    svg,
                    r#"<text x="{:.1}" y="{}" font-size="11" fill="white">{}%</text>"#,
                    x + 4.0,
                    y + 15,
                    format_number(share.unwrap_or(0.0))
                );
            }
            x += w;
        }
    }
    // Legend.
    let legend_y = 12 + row * rows.len();
    let mut x = 60;
    if let Some((_, parts)) = rows.first() {
        for (_, colour, name) in parts {
            let _ = write!(
                svg,
                r#"<rect x="{x}" y="{legend_y}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="11" fill="rgb(51,65,85)">{}</text>"#,
                x + 14,
                legend_y + 9,
                esc(name)
            );
            x += 110;
        }
    }
    svg.push_str("</svg>");
    svg
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_scale_bars() {
        let svg = bars(
            "t",
            &[
                ("<b>".into(), 50.0, ACCENT, "/x?a=1&b=2".into()),
                ("full".into(), 100.0, GOOD, "/y".into()),
            ],
        );
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains("/x?a=1&amp;b=2"));
        // Short labels: the narrowest label column, bars to the largest value.
        let room = WIDTH - 72.0 - VALUE_ROOM;
        assert!(svg.contains(&format!(r#"width="{:.1}""#, room / 2.0)));
        assert!(svg.contains(&format!(r#"width="{room:.1}""#)));
        // A long label pushes the bars right instead of running into them.
        let long = bars(
            "t",
            &[(
                "Suppliers with a reduction target".into(),
                3.0,
                GOOD,
                "/z".into(),
            )],
        );
        let bar_x = label_width("Suppliers with a reduction target") + 12.0;
        assert!(bar_x > 200.0);
        assert!(long.contains(&format!(r#"<rect x="{bar_x:.1}""#)));
        let s = stacked(
            "p",
            &[(
                "2021".into(),
                vec![
                    (Some(29.7), GOOD, "excellent".into()),
                    (Some(70.3), BAD, "poor".into()),
                ],
            )],
        );
        assert!(s.contains("29.7%") && s.contains("excellent"));
    }
}
