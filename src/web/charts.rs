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
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 420 {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for (i, (label, value, colour, link)) in items.iter().enumerate() {
        let y = 12 + i * row;
        let width = (value / max * 220.0).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<a href="{link}"><text x="0" y="{ty}" font-size="12" fill="rgb(51,65,85)">{label}</text><rect x="150" y="{y}" width="{width:.1}" height="18" rx="3" fill="{colour}"/><text x="{tx:.1}" y="{ty}" font-size="12" fill="rgb(15,23,42)">{value}</text></a>"#,
            link = esc(link),
            ty = y + 13,
            label = esc(label),
            tx = 156.0 + width,
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
        r#"<svg class="chart" viewBox="0 0 420 {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
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
        assert!(svg.contains(r#"width="110.0""#) && svg.contains(r#"width="220.0""#));
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
