//! Decoding the text formats (MT940, OFX): UTF-8 when the bytes are
//! valid UTF-8, whatever the file declares, else Windows-1252 (Latin-1's
//! printable characters and more) or CP852 (Central European DOS), which
//! is told from the letters each would make.

use std::borrow::Cow;

/// How a file was decoded, for the report.
pub(super) struct Decoded<'a> {
    /// The text.
    pub(super) text: Cow<'a, str>,
    /// The encoding used.
    pub(super) encoding: &'static str,
}

/// Decodes `bytes`: UTF-8 when valid, else the single-byte encoding whose
/// reading makes more letters; `declared` (an OFX `CHARSET`) breaks ties.
pub(super) fn decode<'a>(bytes: &'a [u8], declared: Option<&str>) -> Decoded<'a> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
        };
    }
    let (latin, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    let dos: String = bytes.iter().map(|b| cp852(*b)).collect();
    let letters = |s: &str| {
        s.chars()
            .filter(|c| !c.is_ascii() && c.is_alphabetic())
            .count()
    };
    let prefer_dos = declared.is_some_and(|d| d.contains("852"));
    let (l, d) = (letters(&latin), letters(&dos));
    if d > l || (d == l && prefer_dos) {
        Decoded {
            text: Cow::Owned(dos),
            encoding: "CP852",
        }
    } else {
        Decoded {
            text: Cow::Owned(latin.into_owned()),
            encoding: "Windows-1252 (Latin-1)",
        }
    }
}

/// A UTF-16 file (with its byte-order mark) read as UTF-8, as it streams:
/// some banks export CSV so ("Unicode text").
pub(crate) struct Utf16<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: std::io::Read> Utf16<R> {
    /// Reads `inner`, whose first bytes are a UTF-16 byte-order mark.
    pub(crate) fn new(inner: R) -> Utf16<R> {
        Utf16 {
            inner,
            decoder: encoding_rs::UTF_16LE.new_decoder(),
            raw: vec![0; 1 << 15],
            out: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() && !self.done {
            let n = self.inner.read(&mut self.raw)?;
            self.done = n == 0;
            // Room for the worst case, so that one call decodes it all.
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            let mut text = String::with_capacity(room);
            let _ = self
                .decoder
                .decode_to_string(&self.raw[..n], &mut text, self.done);
            self.out = text.into_bytes();
            self.at = 0;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// One CP852 byte as a character.
fn cp852(byte: u8) -> char {
    match byte.checked_sub(0x80) {
        None => char::from(byte),
        Some(high) => CP852_HIGH[usize::from(high)],
    }
}

/// CP852's characters for the bytes 0x80 to 0xFF.
const CP852_HIGH: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{016F}', '\u{0107}', '\u{00E7}',
    '\u{0142}', '\u{00EB}', '\u{0150}', '\u{0151}', '\u{00EE}', '\u{0179}', '\u{00C4}', '\u{0106}',
    '\u{00C9}', '\u{0139}', '\u{013A}', '\u{00F4}', '\u{00F6}', '\u{013D}', '\u{013E}', '\u{015A}',
    '\u{015B}', '\u{00D6}', '\u{00DC}', '\u{0164}', '\u{0165}', '\u{0141}', '\u{00D7}', '\u{010D}',
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{0104}', '\u{0105}', '\u{017D}', '\u{017E}',
    '\u{0118}', '\u{0119}', '\u{00AC}', '\u{017A}', '\u{010C}', '\u{015F}', '\u{00AB}', '\u{00BB}',
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{00C1}', '\u{00C2}', '\u{011A}',
    '\u{015E}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{017B}', '\u{017C}', '\u{2510}',
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{0102}', '\u{0103}',
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}', '\u{00A4}',
    '\u{0111}', '\u{0110}', '\u{010E}', '\u{00CB}', '\u{010F}', '\u{0147}', '\u{00CD}', '\u{00CE}',
    '\u{011B}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{0162}', '\u{016E}', '\u{2580}',
    '\u{00D3}', '\u{00DF}', '\u{00D4}', '\u{0143}', '\u{0144}', '\u{0148}', '\u{0160}', '\u{0161}',
    '\u{0154}', '\u{00DA}', '\u{0155}', '\u{0170}', '\u{00FD}', '\u{00DD}', '\u{0163}', '\u{00B4}',
    '\u{00AD}', '\u{02DD}', '\u{02DB}', '\u{02C7}', '\u{02D8}', '\u{00A7}', '\u{00F7}', '\u{00B8}',
    '\u{00B0}', '\u{00A8}', '\u{02D9}', '\u{0171}', '\u{0158}', '\u{0159}', '\u{25A0}', '\u{00A0}',
];

#[cfg(test)]
mod tests {
    use super::{Utf16, decode};
    use std::io::Read;

    #[test]
    fn utf16_with_either_byte_order_streams_as_utf8() {
        let text = "Buchungstag;Betrag\n27.11.2026;1.190,00 Müller\n";
        for big in [false, true] {
            let mut bytes: Vec<u8> = if big {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for unit in text.encode_utf16() {
                let b = if big {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                };
                bytes.extend(b);
            }
            let mut out = String::new();
            Utf16::new(&bytes[..]).read_to_string(&mut out).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn utf8_wins_over_a_declared_charset() {
        let d = decode("Müller".as_bytes(), Some("1252"));
        assert_eq!(d.text, "Müller");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn latin1_and_cp852_are_told_apart_by_their_letters() {
        // "Müller Straße" in Latin-1.
        let latin = b"M\xFCller Stra\xDFe";
        assert_eq!(decode(latin, None).text, "Müller Straße");
        // "Płatność za fakturę" in CP852.
        let dos = b"P\x88atno\x98\x86 za faktur\xA9";
        assert_eq!(decode(dos, None).text, "Płatność za fakturę");
    }
}
