//! Pictures for the demo catalog, drawn by Coral itself.
//!
//! The demo's products need images that a storefront can load on a machine without
//! internet access, and that the Next.js starter's `next/image` accepts (it allows
//! `http://localhost` only, and optimises raster images, not SVG). So each demo
//! product gets a small PNG served by Coral at `/static/demo/{slug}.png`: a diagonal
//! gradient between two colours derived from the slug. Real stores upload their own
//! images; these exist only for `coral serve --demo`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Side of the square picture, in pixels.
const SIDE: u32 = 480;

/// The PNG bytes for `slug` (`[a-z0-9-]`, 1–80 bytes), drawn once and kept: the demo
/// has a few dozen products. `None` for a slug outside that alphabet.
pub fn png(slug: &str) -> Option<std::sync::Arc<[u8]>> {
    let valid = !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return None;
    }
    static DRAWN: OnceLock<Mutex<HashMap<String, std::sync::Arc<[u8]>>>> = OnceLock::new();
    let drawn = DRAWN.get_or_init(Default::default);
    if let Some(bytes) = drawn.lock().expect("demo image cache").get(slug) {
        return Some(bytes.clone());
    }
    let bytes: std::sync::Arc<[u8]> = draw(slug).into();
    let mut map = drawn.lock().expect("demo image cache");
    // Bounded by the alphabet check only; a flood of made-up slugs is capped here.
    if map.len() < 1024 {
        map.insert(slug.to_owned(), bytes.clone());
    }
    Some(bytes)
}

/// Two colours from the slug (FNV-1a), blended along the diagonal.
fn draw(slug: &str) -> Vec<u8> {
    let hash = slug.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let colour = |shift: u32| -> [f32; 3] {
        let c = (hash >> shift) as u32;
        // Keep each channel in 60..=220 so pictures are neither black nor white.
        [c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff].map(|v| 60.0 + (v as f32) * 160.0 / 255.0)
    };
    let (from, to) = (colour(0), colour(24));
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let t = (x + y) as f32 / (2 * (SIDE - 1)) as f32;
            for c in 0..3 {
                pixels.push((from[c] + (to[c] - from[c]) * t) as u8);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("writing to a Vec cannot fail");
    writer.write_image_data(&pixels).expect("writing to a Vec cannot fail");
    writer.finish().expect("writing to a Vec cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_gives_a_decodable_png_of_its_own_colours() {
        let a = png("trail-runner-tee").expect("valid slug");
        let b = png("summit-parka").expect("valid slug");
        assert!(a.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_ne!(a, b);
        let decoder = png::Decoder::new(&a[..]);
        let reader = decoder.read_info().expect("decodes");
        assert_eq!((reader.info().width, reader.info().height), (SIDE, SIDE));
    }

    #[test]
    fn slugs_outside_the_alphabet_are_refused() {
        for bad in ["", "../etc/passwd", "UPPER", "a b", "a\0b", &"x".repeat(81)] {
            assert!(png(bad).is_none(), "{bad:?}");
        }
    }
}
