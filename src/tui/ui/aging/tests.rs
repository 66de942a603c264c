//! How the aging table gives way to narrow screens and shares out extra
//! width.

use super::*;

#[test]
fn narrow_screens_hide_then_fold_the_youngest_buckets_then_hide_flags() {
    let titles = dun_core::aging::Buckets::default().titles();
    let shown = |plan: &Plan| -> Vec<String> {
        layout(&titles, plan)
            .columns
            .iter()
            .map(|c| c.title.clone())
            .collect()
    };
    let plans = Plan::all(titles.len());
    assert_eq!(
        shown(&plans[0]),
        [
            "Code",
            "Name",
            "Total",
            "Current",
            "1-30",
            "31-60",
            "61-90",
            "90+",
            "Cur",
            "Flags",
            "Last contact",
            "Next action"
        ]
    );
    assert_eq!(plans[2].hidden, ["Last contact", "Next action"]);
    assert_eq!(
        shown(&plans[4]),
        [
            "Code", "Name", "Total", "≤60", "61-90", "90+", "Cur", "Flags"
        ]
    );
    let last = plans.last().unwrap();
    assert_eq!(
        shown(last),
        ["Code", "Name", "Total", "≤90", "90+", "Cur"],
        "always two bucket columns"
    );
    let spans: Vec<Buckets> = layout(&titles, &plans[4])
        .entries
        .iter()
        .map(|(_, s)| s.clone())
        .collect();
    assert_eq!(spans[3..6], [0..3, 3..4, 4..5]);
}

#[test]
fn extra_width_goes_to_the_name_and_the_next_action() {
    let columns = layout(
        &dun_core::aging::Buckets::default().titles(),
        &Plan::all(5)[0],
    )
    .columns;
    let need: u16 = columns.iter().map(|c| c.width + 1).sum::<u16>() - 1;
    let widths = grown(&columns, need + 11);
    assert_eq!(widths[1], 11 + 6);
    assert_eq!(widths[11], 20 + 5);
    assert_eq!(widths.iter().map(|w| w + 1).sum::<u16>() - 1, need + 11);
}
