//! Stripes → pages. A page break falls between stripes; a stripe that must stay with the
//! next one (a heading, a table header) moves to the next page together with it; a table
//! row that starts a page brings its header row along.

use super::boxes::{Flow, Item};

/// Pages of items, in coordinates from the page's top-left corner.
pub(super) fn paginate(flow: Flow, left: f32, top: f32, body_height: f32) -> Vec<Vec<Item>> {
    let Flow { stripes, headers } = flow;
    let shapes: Vec<(f32, bool, bool)> =
        stripes.iter().map(|s| (s.height, s.keep_with_next, s.spacer)).collect();
    let mut pages: Vec<Vec<Item>> = vec![Vec::new()];
    let mut y = 0.0f32;
    // Whether anything but spacers is on the current page yet.
    let mut used = false;
    for (i, stripe) in stripes.into_iter().enumerate() {
        let page = pages.last_mut().expect("there is always a page");
        if stripe.spacer {
            if used && y + stripe.height <= body_height {
                page.extend(stripe.items.into_iter().map(|it| it.shifted(left, top + y)));
                y += stripe.height;
            }
            continue;
        }
        let needed = if stripe.keep_with_next { chain_height(&shapes, i) } else { stripe.height };
        // Keeping together what cannot fit on any page would only leave holes.
        let needed = if needed > body_height { stripe.height } else { needed };
        if used && y + needed > body_height + 0.01 {
            pages.push(Vec::new());
            y = 0.0;
            used = false;
        }
        let page = pages.last_mut().expect("there is always a page");
        // A table row that starts a page brings its header row along.
        if let (false, Some(header)) = (used, stripe.header.and_then(|h| headers.get(h))) {
            page.extend(header.items.iter().map(|it| it.clone().shifted(left, top + y)));
            y += header.height;
        }
        page.extend(stripe.items.into_iter().map(|it| it.shifted(left, top + y)));
        y += stripe.height;
        used = true;
    }
    pages
}

/// The height of a run of keep-with-next stripes and the stripe they keep with.
fn chain_height(shapes: &[(f32, bool, bool)], from: usize) -> f32 {
    let mut h = 0.0;
    for &(height, keep, spacer) in &shapes[from..] {
        h += height;
        if !keep && !spacer {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::super::boxes::Stripe;
    use super::*;

    fn fill(h: f32) -> Stripe {
        Stripe {
            height: h,
            items: vec![Item::Fill { x: 0.0, y: 0.0, w: 1.0, h, color: super::super::style::TEXT }],
            ..Stripe::default()
        }
    }

    fn tops(page: &[Item]) -> Vec<f32> {
        page.iter()
            .filter_map(|i| match i {
                Item::Fill { y, h, .. } => Some(y + h / 100.0),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn headings_move_with_their_content_and_headers_repeat() {
        let mut heading = fill(20.0);
        heading.keep_with_next = true;
        let header = Stripe { keep_with_next: true, ..fill(10.0) };
        let row = Stripe { header: Some(0), ..fill(30.0) };
        let flow = Flow {
            stripes: vec![
                fill(50.0),
                Stripe::spacer(5.0),
                heading,
                header.clone(),
                row.clone(),
                row.clone(),
                row,
            ],
            headers: vec![header],
        };
        let pages = paginate(flow, 0.0, 0.0, 100.0);
        assert_eq!(pages.len(), 3);
        // Page 1: the first block only; the heading, header and a row did not fit.
        assert_eq!(tops(&pages[0]), vec![0.5]);
        // Page 2: heading, header, two rows; page 3: the header again, then the last row.
        assert_eq!(tops(&pages[1]), vec![0.2, 20.1, 30.3, 60.3]);
        assert_eq!(tops(&pages[2]), vec![0.1, 10.3]);
    }
}
