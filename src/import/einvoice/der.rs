//! Just enough of BER/DER to take the signed content out of a CMS
//! SignedData (`.p7m`): ContentInfo → [0] SignedData → encapContentInfo →
//! [0] eContent, an OCTET STRING that signing tools often write in
//! indefinite-length pieces.

/// Deepest nesting followed.
const MAX_DEPTH: usize = 32;

/// One element: its tag byte, whether constructed, and its contents.
struct Tlv<'a> {
    tag: u8,
    constructed: bool,
    /// The contents; for an indefinite length, up to the end-of-contents.
    body: &'a [u8],
    /// Bytes the whole element takes.
    len: usize,
}

fn read_tlv(bytes: &[u8], depth: usize) -> Result<Tlv<'_>, String> {
    if depth > MAX_DEPTH {
        return Err("nested too deep".into());
    }
    let tag = *bytes.first().ok_or("ends early")?;
    if tag & 0x1f == 0x1f {
        return Err("a long tag form, not CMS".into());
    }
    let constructed = tag & 0x20 != 0;
    let first = *bytes.get(1).ok_or("ends early")?;
    if first == 0x80 {
        // Indefinite: the children run to an end-of-contents (00 00).
        let mut at = 2;
        loop {
            if bytes.get(at..at + 2) == Some(&[0, 0]) {
                return Ok(Tlv {
                    tag,
                    constructed,
                    body: &bytes[2..at],
                    len: at + 2,
                });
            }
            let child = read_tlv(bytes.get(at..).ok_or("ends early")?, depth + 1)?;
            at += child.len;
        }
    }
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n > 4 {
            return Err("a length too large".into());
        }
        let digits = bytes.get(2..2 + n).ok_or("ends early")?;
        (
            digits
                .iter()
                .fold(0usize, |a, b| (a << 8) | usize::from(*b)),
            2 + n,
        )
    };
    let body = bytes.get(header..header + len).ok_or("ends early")?;
    Ok(Tlv {
        tag,
        constructed,
        body,
        len: header + len,
    })
}

fn children(body: &[u8], depth: usize) -> Result<Vec<Tlv<'_>>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let child = read_tlv(&body[at..], depth + 1)?;
        at += child.len;
        out.push(child);
    }
    Ok(out)
}

/// The OID 1.2.840.113549.1.7.2, signedData.
const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// The encapsulated content of a CMS SignedData.
pub fn signed_content(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let not = |why: &str| format!("not a signed file dun can open (CMS SignedData): {why}");
    let info = read_tlv(bytes, 0).map_err(|e| not(&e))?;
    let parts = children(info.body, 0).map_err(|e| not(&e))?;
    match parts.first() {
        Some(oid) if oid.tag == 0x06 && oid.body == SIGNED_DATA => {}
        _ => return Err(not("no signedData content type")),
    }
    let explicit = parts
        .get(1)
        .filter(|p| p.tag == 0xa0)
        .ok_or_else(|| not("no content"))?;
    let signed = children(explicit.body, 1).map_err(|e| not(&e))?;
    let signed = signed
        .first()
        .filter(|s| s.tag == 0x30)
        .ok_or_else(|| not("no SignedData"))?;
    let fields = children(signed.body, 2).map_err(|e| not(&e))?;
    // version, digestAlgorithms, encapContentInfo …
    let encap = fields
        .get(2)
        .filter(|f| f.tag == 0x30)
        .ok_or_else(|| not("no encapsulated content"))?;
    let encap = children(encap.body, 3).map_err(|e| not(&e))?;
    let content = encap
        .get(1)
        .filter(|c| c.tag == 0xa0)
        .ok_or_else(|| not("the signed content is detached (not in the file)"))?;
    let octets = children(content.body, 4).map_err(|e| not(&e))?;
    let octets = octets.first().ok_or_else(|| not("empty content"))?;
    let mut out = Vec::new();
    gather(octets, &mut out, 5).map_err(|e| not(&e))?;
    Ok(out)
}

/// An OCTET STRING's bytes, joining the pieces of a constructed one.
fn gather(tlv: &Tlv<'_>, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
    if tlv.tag & 0x1f != 0x04 {
        return Err("the content is not an octet string".into());
    }
    if !tlv.constructed {
        out.extend_from_slice(tlv.body);
        return Ok(());
    }
    for piece in children(tlv.body, depth)? {
        gather(&piece, out, depth + 1)?;
    }
    Ok(())
}
