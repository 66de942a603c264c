//! What holds e-invoices: a folder, a zip, a signed `.p7m` (CMS
//! SignedData, DER or base64), a Factur-X / ZUGFeRD PDF. Each is opened
//! down to the XML inside; nothing is verified (the signature is the
//! issuer's business, the amounts are ours).

use std::io::Read;
use std::path::Path;

use memchr::memmem;

/// Largest file or member read, in bytes.
const MAX_FILE: u64 = 64 << 20;

/// Most files a folder or zip may hold.
const MAX_FILES: usize = 1_000_000;

/// One file to read, by the name messages give it (`folder/file`,
/// `archive.zip:member`).
pub struct Item {
    /// Where it is, for messages.
    pub name: String,
    /// Where its bytes are.
    pub bytes: Bytes,
}

/// A file of a folder is read when its turn comes, so a folder costs the
/// memory of one file; a zip's members are read with the archive.
pub enum Bytes {
    /// A file on disk.
    File(std::path::PathBuf),
    /// A zip member's bytes, or why they cannot be had.
    Read(Result<Vec<u8>, String>),
}

impl Item {
    /// The file's bytes.
    pub fn read(&self) -> Result<Vec<u8>, String> {
        match &self.bytes {
            Bytes::File(path) => read_file(path),
            Bytes::Read(bytes) => bytes.clone(),
        }
    }
}

/// Every file under a path: the file itself, each file of a folder (in
/// name order, subfolders included), each member of a zip.
pub fn collect(path: &Path, shown: &str, items: &mut Vec<Item>) -> Result<(), String> {
    collect_in(path, (shown, true), items)
}

/// `collect` below a folder: files of the folder given are named by their
/// path inside it (the command names the folder).
fn collect_in(
    path: &Path,
    (shown, root): (&str, bool),
    items: &mut Vec<Item>,
) -> Result<(), String> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| format!("{shown}: cannot read the folder: {e}"))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
            let Some(name) = name.filter(|n| !n.starts_with('.')) else {
                continue;
            };
            if items.len() >= MAX_FILES {
                return Err(format!("{shown}: more than {MAX_FILES} files"));
            }
            let name = crate::text::sanitize(&name);
            let inner = if root {
                name.into_owned()
            } else {
                format!("{shown}/{name}")
            };
            collect_in(&entry, (&inner, false), items)?;
        }
        return Ok(());
    }
    if is_zip(path) {
        let bytes = read_file(path).map_err(|e| format!("{shown}: {e}"))?;
        return unzip(&bytes, shown, items);
    }
    items.push(Item {
        name: shown.to_string(),
        bytes: Bytes::File(path.to_path_buf()),
    });
    Ok(())
}

/// Whether a file starts as a zip archive does.
pub fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && (&head == b"PK\x03\x04" || &head == b"PK\x05\x06")
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(format!("larger than {} MB", MAX_FILE >> 20));
    }
    Ok(bytes)
}

/// Each file member of a zip, in the archive's order.
fn unzip(bytes: &[u8], shown: &str, items: &mut Vec<Item>) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{shown}: not a zip archive dun can read: {e}"))?;
    for i in 0..archive.len() {
        let mut member = match archive.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                items.push(Item {
                    name: format!("{shown}:#{}", i + 1),
                    bytes: Bytes::Read(Err(format!("a broken member: {e}"))),
                });
                continue;
            }
        };
        if member.is_dir() {
            continue;
        }
        let member_name = member.name().map(|n| n.into_owned()).unwrap_or_default();
        let name = format!("{shown}:{}", crate::text::sanitize(&member_name));
        if member_name
            .rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        let mut content = Vec::new();
        let read = (&mut member)
            .take(MAX_FILE + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("a broken member: {e}"))
            .and_then(|n| {
                if n as u64 > MAX_FILE {
                    Err(format!("a member larger than {} MB", MAX_FILE >> 20))
                } else {
                    Ok(content)
                }
            });
        if items.len() >= MAX_FILES {
            return Err(format!("{shown}: more than {MAX_FILES} members"));
        }
        items.push(Item {
            name,
            bytes: Bytes::Read(read),
        });
    }
    Ok(())
}

/// What a file's bytes are, by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// XML (perhaps after a byte order mark).
    Xml,
    /// A PDF, which may carry an XML invoice.
    Pdf,
    /// CMS SignedData, DER.
    Signed,
    /// CMS SignedData written in base64.
    SignedBase64,
    /// Anything else (a CSV, an image).
    Other,
}

/// Recognises a file by its first bytes.
pub fn kind(bytes: &[u8]) -> Kind {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let body = &body[start..];
    if body.starts_with(b"<") {
        Kind::Xml
    } else if body.starts_with(b"%PDF") {
        Kind::Pdf
    } else if body.first() == Some(&0x30) && body.get(1).is_some_and(|b| *b >= 0x80) {
        Kind::Signed
    } else if body.starts_with(b"MII") || body.starts_with(b"MIA") {
        Kind::SignedBase64
    } else {
        Kind::Other
    }
}

/// The signed content of a `.p7m`, base64 or DER.
pub fn unsign(bytes: &[u8], base64: bool) -> Result<Vec<u8>, String> {
    let der;
    let bytes = if base64 {
        der = decode_base64(bytes).ok_or("base64 text that does not decode")?;
        &der[..]
    } else {
        bytes
    };
    super::der::signed_content(bytes)
}

fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\r' | b'\n' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Every embedded file of a PDF (`/Type /EmbeddedFile` streams, which a PDF
/// never puts in an object stream), decompressed when FlateDecode.
pub fn embedded_files(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    for at in memmem::find_iter(pdf, b"/EmbeddedFile") {
        let after = pdf
            .get(at + b"/EmbeddedFile".len())
            .copied()
            .unwrap_or(b' ');
        if after.is_ascii_alphanumeric() {
            continue; // EmbeddedFiles, the name tree
        }
        let rest = &pdf[at..];
        let Some(stream_at) = memmem::find(rest, b"stream") else {
            continue;
        };
        if memmem::find(&rest[..stream_at], b"endobj").is_some() {
            continue;
        }
        // The dictionary runs from the object's start to `stream`.
        let obj_start = memmem::rfind(&pdf[..at], b"obj").unwrap_or(0);
        let dict = &pdf[obj_start..at + stream_at];
        let mut data_start = at + stream_at + b"stream".len();
        if pdf.get(data_start) == Some(&b'\r') {
            data_start += 1;
        }
        if pdf.get(data_start) == Some(&b'\n') {
            data_start += 1;
        }
        let Some(end) = memmem::find(&pdf[data_start..], b"endstream") else {
            continue;
        };
        let raw = &pdf[data_start..data_start + end];
        if memmem::find(dict, b"/FlateDecode").is_some() {
            let mut out = Vec::new();
            let decoder = flate2::read::ZlibDecoder::new(raw);
            if decoder.take(MAX_FILE).read_to_end(&mut out).is_ok() {
                found.push(out);
            }
        } else {
            found.push(raw.to_vec());
        }
    }
    found
}
