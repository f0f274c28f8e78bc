//! Subsetting TrueType fonts for embedding, the fast way.
//!
//! A *sparse* subset keeps every glyph id where it is and empties the glyphs nobody uses:
//! the content stream can use the font's own glyph ids, nothing is renumbered, and the
//! work is a few copies (≈0.1 ms for a DejaVu face, where printpdf's parse-and-subset
//! path takes several milliseconds per face). The empty `loca` and zeroed `hmtx` entries
//! compress to almost nothing. Only what a PDF reader needs is kept (ISO 32000-1, 9.9):
//! no `name` (15 KB of licence text per DejaVu face), `cmap`, `post` or layout tables,
//! and no hinting (see [`unhinted`]).

use std::collections::BTreeSet;

struct Tables<'a> {
    data: &'a [u8],
    records: Vec<([u8; 4], usize, usize)>,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Tables<'a> {
    /// The table directory of face `index` of a font or collection.
    fn read(data: &'a [u8], index: u32) -> Option<Self> {
        let base = if data.starts_with(b"ttcf") {
            u32_at(data, 12 + 4 * index as usize)? as usize
        } else {
            0
        };
        let count = u16_at(data, base + 4)? as usize;
        let mut records = Vec::with_capacity(count);
        for i in 0..count {
            let at = base + 12 + 16 * i;
            let tag: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
            let offset = u32_at(data, at + 8)? as usize;
            let length = u32_at(data, at + 12)? as usize;
            data.get(offset..offset.checked_add(length)?)?;
            records.push((tag, offset, length));
        }
        Some(Tables { data, records })
    }

    fn get(&self, tag: &[u8; 4]) -> Option<&'a [u8]> {
        let (_, offset, length) = self.records.iter().find(|(t, _, _)| t == tag)?;
        self.data.get(*offset..offset + length)
    }
}

/// Whether face `index` of `data` has TrueType outlines this module can subset.
pub(super) fn is_truetype(data: &[u8], index: u32) -> bool {
    Tables::read(data, index).is_some_and(|t| t.get(b"glyf").is_some() && t.get(b"loca").is_some())
}

/// A TrueType program with only the glyphs in `used` (and the glyphs they are built
/// from), every glyph at its original id. `None` if the font is not TrueType or is
/// damaged; the caller then lets printpdf embed it.
pub(super) fn sparse_subset(data: &[u8], index: u32, used: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let t = Tables::read(data, index)?;
    let (head, hhea, maxp) = (t.get(b"head")?, t.get(b"hhea")?, t.get(b"maxp")?);
    let (loca, glyf, hmtx) = (t.get(b"loca")?, t.get(b"glyf")?, t.get(b"hmtx")?);
    let long_loca = u16_at(head, 50)? != 0;
    let glyphs = u16_at(maxp, 4)? as usize;
    let metrics = u16_at(hhea, 34)? as usize;
    let offset = |g: usize| -> Option<usize> {
        if long_loca {
            u32_at(loca, 4 * g).map(|o| o as usize)
        } else {
            u16_at(loca, 2 * g).map(|o| 2 * o as usize)
        }
    };
    let glyph = |g: usize| -> Option<&[u8]> {
        let (a, b) = (offset(g)?, offset(g + 1)?);
        glyf.get(a..b.max(a))
    };

    // Composite glyphs (é = e + ´) need their components.
    let mut keep = vec![false; glyphs];
    let mut todo: Vec<u16> = used.iter().copied().chain([0]).collect();
    let mut last = 0;
    while let Some(g) = todo.pop() {
        let g = g as usize;
        if g >= glyphs || keep[g] {
            continue;
        }
        keep[g] = true;
        last = last.max(g);
        let bytes = glyph(g)?;
        if bytes.len() >= 10 && (u16_at(bytes, 0)? as i16) < 0 {
            components(bytes, |_, component| todo.push(component))?;
        }
    }
    let n = last + 1;

    let mut new_glyf = Vec::new();
    let mut ends = Vec::with_capacity(n + 1);
    for (g, &kept) in keep.iter().enumerate().take(n) {
        ends.push(new_glyf.len());
        if kept {
            unhinted(glyph(g)?, &mut new_glyf)?;
            new_glyf.resize(new_glyf.len().div_ceil(4) * 4, 0);
        }
    }
    ends.push(new_glyf.len());
    // The short `loca` format (offsets / 2 in 16 bits) whenever the glyphs fit in it.
    let short = new_glyf.len() < 0x20000;
    let new_loca: Vec<u8> = if short {
        ends.iter().flat_map(|&e| ((e / 2) as u16).to_be_bytes()).collect()
    } else {
        ends.iter().flat_map(|&e| (e as u32).to_be_bytes()).collect()
    };

    // Horizontal metrics of unused glyphs are zeroed, except the last full entry, whose
    // advance the glyphs after it share.
    let long = metrics.min(n).max(1);
    let mut new_hmtx = Vec::with_capacity(4 * n);
    for (g, &kept) in keep.iter().enumerate().take(n) {
        // Past `long` (only when the font has fewer full entries than we keep glyphs),
        // entries are left side bearings alone.
        let (at, size) = if g < long { (4 * g, 4) } else { (4 * metrics + 2 * (g - metrics), 2) };
        let bytes = hmtx.get(at..at + size)?;
        if kept || g + 1 == long {
            new_hmtx.extend(bytes);
        } else {
            new_hmtx.extend(std::iter::repeat_n(0, size));
        }
    }

    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.fill(0);
    new_head.get_mut(50..52)?.copy_from_slice(&u16::from(!short).to_be_bytes());
    let mut new_hhea = hhea.to_vec();
    new_hhea.get_mut(34..36)?.copy_from_slice(&(long as u16).to_be_bytes());
    let mut new_maxp = maxp.to_vec();
    new_maxp.get_mut(4..6)?.copy_from_slice(&(n as u16).to_be_bytes());

    let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"hmtx", new_hmtx),
        (*b"loca", new_loca),
        (*b"maxp", new_maxp),
    ];
    tables.sort_by_key(|t| t.0);
    Some(assemble(&tables))
}

/// Calls `f(offset of its flags, glyph id)` for each component of a composite glyph;
/// returns the offset just past the last component.
fn components(glyph: &[u8], mut f: impl FnMut(usize, u16)) -> Option<usize> {
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        f(at, u16_at(glyph, at + 2)?);
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += match flags {
            f if f & 0x0008 != 0 => 2,
            f if f & 0x0040 != 0 => 4,
            f if f & 0x0080 != 0 => 8,
            _ => 0,
        };
        if flags & 0x0020 == 0 {
            return Some(at);
        }
    }
}

/// Appends `glyph` without its hinting instructions. PDF viewers rasterise outlines at
/// any resolution and mostly ignore TrueType hints; DejaVu's are a third of its glyph
/// data, and without them the `cvt `, `fpgm` and `prep` tables can go too.
fn unhinted(glyph: &[u8], out: &mut Vec<u8>) -> Option<()> {
    if glyph.len() < 10 {
        out.extend(glyph);
        return Some(());
    }
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        let at = 10 + 2 * contours as usize;
        let instructions = u16_at(glyph, at)? as usize;
        out.extend(glyph.get(..at)?);
        out.extend([0, 0]);
        out.extend(glyph.get(at + 2 + instructions..)?);
    } else {
        let start = out.len();
        let mut flag_offsets = Vec::new();
        let end = components(glyph, |at, _| flag_offsets.push(at))?;
        out.extend(glyph.get(..end)?);
        for at in flag_offsets {
            // WE_HAVE_INSTRUCTIONS: the instructions after the components are gone.
            out[start + at] &= !0x01;
        }
    }
    Some(())
}

/// An sfnt file from its tables (sorted by tag), with directory and checksums.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let power = if n == 0 { 0 } else { 15 - n.leading_zeros() as u16 };
    let search_range = (1u16 << power) * 16;
    let mut out = Vec::new();
    out.extend(0x0001_0000u32.to_be_bytes());
    out.extend(n.to_be_bytes());
    out.extend(search_range.to_be_bytes());
    out.extend(power.to_be_bytes());
    out.extend((n * 16).saturating_sub(search_range).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend(tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at.filter(|at| at + 12 <= out.len()) {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparse_subset_keeps_glyph_ids_outlines_and_components() {
        let font = dejavu::sans::regular();
        let full = ttf_parser::Face::parse(font, 0).unwrap();
        let e_acute = full.glyph_index('é').unwrap();
        let a = full.glyph_index('A').unwrap();
        let subset = sparse_subset(font, 0, &[e_acute.0, a.0].into()).unwrap();
        assert!(subset.len() < font.len() / 4, "{}", subset.len());
        assert_eq!(checksum(&subset), 0xB1B0_AFBA);
        let face = ttf_parser::Face::parse(&subset, 0).expect("the subset parses");
        struct Count(usize);
        impl ttf_parser::OutlineBuilder for Count {
            fn move_to(&mut self, _: f32, _: f32) {
                self.0 += 1;
            }
            fn line_to(&mut self, _: f32, _: f32) {}
            fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
            fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
            fn close(&mut self) {}
        }
        for gid in [a, e_acute] {
            let (mut x, mut y) = (Count(0), Count(0));
            full.outline_glyph(gid, &mut x);
            face.outline_glyph(gid, &mut y);
            assert!(y.0 > 0 && x.0 == y.0, "glyph {gid:?}: {} vs {}", x.0, y.0);
            assert_eq!(face.glyph_hor_advance(gid), full.glyph_hor_advance(gid));
        }
        let b = full.glyph_index('B').unwrap();
        let mut none = Count(0);
        face.outline_glyph(b, &mut none);
        assert_eq!(none.0, 0, "unused glyphs are empty");
        assert!(sparse_subset(b"OTTO....", 0, &[1].into()).is_none());
    }
}
