//! The command palette: the search line, then the matching actions with
//! their keys and what they do, the selected one reversed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::overlay::centered;
use super::{Theme, cell, safe};
use crate::tui::app::App;
use crate::tui::keymap::Mode;
use crate::tui::palette::Palette;

/// Draws the palette near the top of `area`, as wide as fits up to 90.
pub(super) fn draw(app: &App, palette: &Palette, theme: Theme, frame: &mut Frame, area: Rect) {
    let matches = palette.matches();
    let width = area.width.min(90);
    let inner = usize::from(width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(3)).max(1);
    let selection = crate::tui::app::Selection {
        selected: palette.selected,
        offset: 0,
    }
    .scrolled(rows);
    let (name_width, keys_width) = (16, 12.min(inner / 5));
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", theme.accent()),
        Span::raw(safe(palette.input.value())),
    ])];
    for (n, action) in matches.iter().enumerate().skip(selection.offset).take(rows) {
        let keys = app.keymap.describe(Mode::Screen, *action);
        let text = format!(
            "{} {} {}",
            cell(action.name(), name_width, false),
            cell(&keys, keys_width, false),
            action.describe().trim_end_matches('.')
        );
        let style = if n == selection.selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(cell(&text, inner, false), style));
    }
    if matches.is_empty() {
        lines.push(Line::styled("no action matches", theme.dim()));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let mut box_area = centered(area, width, height);
    box_area.y = area.y;
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(
            " Run an action: type to search, enter to run, esc to close ",
            theme.accent(),
        ))),
        box_area,
    );
    let x = box_area.x + 3 + palette.input.cursor() as u16;
    if x < box_area.right() && area.height > 2 {
        frame.set_cursor_position((x, box_area.y + 1));
    }
}
