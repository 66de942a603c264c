//! A pull reader over an XML statement that hands out small subtrees: a
//! statement's entries are read one at a time from the file, each as a
//! [`Node`], so memory follows the entry, not the file.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};

use crate::import::RowError;

/// How deep an entry's elements may nest (camt's go about 10 deep).
const MAX_DEPTH: usize = 64;

/// One element, its text and its children.
#[derive(Debug, Default)]
pub(super) struct Node {
    /// Its local name (without a namespace prefix).
    pub(super) name: String,
    /// Its text, entities resolved.
    pub(super) text: String,
    /// Its attributes, by local name.
    pub(super) attrs: Vec<(String, String)>,
    /// Its child elements, in order.
    pub(super) children: Vec<Node>,
}

impl Node {
    /// The first child named `name`.
    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element at `path` below this one (first of each name).
    pub(super) fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, name| node.child(name))
    }

    /// The trimmed text at `path`, when there is some.
    pub(super) fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path)
            .map(|n| n.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// An attribute's value.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An element opening, with the line it is on.
pub(super) struct Open {
    /// Local name.
    pub(super) name: String,
    /// Attributes.
    pub(super) attrs: Vec<(String, String)>,
    /// An element written `<X/>`: no end follows.
    pub(super) empty: bool,
    /// Line in the file, 1-based.
    pub(super) line: u64,
}

/// What the stream hands out.
pub(super) enum Step {
    /// An element opens.
    Open(Open),
    /// An element closes.
    Close,
    /// Text (or a resolved entity) inside the current element.
    Text(String),
    /// The end of the file.
    End,
}

/// A file as the XML reader takes it: the bytes are hashed and their
/// lines counted as they go by; the bytes since the current element began
/// are kept, to name the line of an error inside it.
pub(super) struct Tally<R> {
    inner: R,
    hasher: Sha256,
    /// Offset of `recent[0]` in the file.
    mark: u64,
    /// The line `mark` is on.
    mark_line: u64,
    recent: Vec<u8>,
}

impl<R: BufRead> Tally<R> {
    /// Reads `inner`.
    pub(super) fn new(inner: R) -> Tally<R> {
        Tally {
            inner,
            hasher: Sha256::new(),
            mark: 0,
            mark_line: 1,
            recent: Vec::new(),
        }
    }

    /// The line a byte offset (at or after the mark) is on.
    fn line_at(&self, offset: u64) -> u64 {
        let k = usize::try_from(offset.saturating_sub(self.mark))
            .unwrap_or(usize::MAX)
            .min(self.recent.len());
        self.mark_line + self.recent[..k].iter().filter(|b| **b == b'\n').count() as u64
    }

    /// Forgets the bytes before `offset`.
    fn set_mark(&mut self, offset: u64) {
        let line = self.line_at(offset);
        let k = usize::try_from(offset.saturating_sub(self.mark))
            .unwrap_or(usize::MAX)
            .min(self.recent.len());
        self.recent.drain(..k);
        self.mark += k as u64;
        self.mark_line = line;
    }

    /// The SHA-256 of the bytes read, in hex.
    pub(super) fn sha256(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl<R: BufRead> std::io::Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tally<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The bytes consumed are those `fill_buf` just handed out: asking
        // again reads nothing new.
        if let Ok(available) = self.inner.fill_buf() {
            let n = amount.min(available.len());
            self.hasher.update(&available[..n]);
            self.recent.extend_from_slice(&available[..n]);
        }
        self.inner.consume(amount);
    }
}

/// The XML pull reader, counting lines as it goes.
pub(super) struct Stream<R: BufRead> {
    reader: Reader<Tally<R>>,
    buf: Vec<u8>,
}

impl<R: BufRead> Stream<R> {
    /// Reads `input` (UTF-8 XML).
    pub(super) fn new(input: R) -> Stream<R> {
        let mut reader = Reader::from_reader(Tally::new(input));
        reader.config_mut().trim_text(false);
        Stream {
            reader,
            buf: Vec::new(),
        }
    }

    /// The file read so far, for its checksum.
    pub(super) fn tally(&self) -> &Tally<R> {
        self.reader.get_ref()
    }

    /// The next step, or a refusal naming the line.
    pub(super) fn next(&mut self) -> Result<Step, RowError> {
        loop {
            let before = self.reader.buffer_position();
            self.reader.get_mut().set_mark(before);
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => {
                    let at = self.reader.error_position();
                    let line = self.reader.get_ref().line_at(at);
                    return Err(RowError::at_line(
                        line,
                        format!(
                            "not well-formed XML: {}",
                            crate::text::excerpt(&e.to_string())
                        ),
                    )
                    .fatal());
                }
            };
            let (start, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => return Ok(Step::Close),
                Event::Text(t) => {
                    let text = t
                        .xml_content()
                        .map_err(|e| refuse_at(self.reader.get_ref(), before, &e.to_string()))?;
                    return Ok(Step::Text(text.into_owned()));
                }
                Event::CData(t) => {
                    let text = t
                        .decode()
                        .map_err(|e| refuse_at(self.reader.get_ref(), before, &e.to_string()))?;
                    return Ok(Step::Text(text.into_owned()));
                }
                Event::GeneralRef(r) => {
                    let name = r
                        .decode()
                        .map_err(|e| refuse_at(self.reader.get_ref(), before, &e.to_string()))?;
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .ok_or_else(|| {
                                refuse_at(
                                    self.reader.get_ref(),
                                    before,
                                    &format!("unknown entity &{name};"),
                                )
                            })?,
                    };
                    return Ok(Step::Text(resolved));
                }
                Event::Eof => return Ok(Step::End),
                _ => continue,
            };
            let line = self.reader.get_ref().line_at(before);
            let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
            let mut attrs = Vec::new();
            for a in start.attributes() {
                let a = a.map_err(|e| refuse_at(self.reader.get_ref(), before, &e.to_string()))?;
                let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                let value = a
                    .decode_and_unescape_value(self.reader.decoder())
                    .map_err(|e| refuse_at(self.reader.get_ref(), before, &e.to_string()))?;
                attrs.push((key, value.into_owned()));
            }
            return Ok(Step::Open(Open {
                name,
                attrs,
                empty,
                line,
            }));
        }
    }

    /// A refusal at a byte offset.
    fn bad(&self, offset: u64, what: &str) -> RowError {
        refuse_at(self.reader.get_ref(), offset, what)
    }

    /// Reads the rest of an element that `open` opened, children and all.
    pub(super) fn subtree(&mut self, open: Open) -> Result<Node, RowError> {
        let mut stack = vec![Node {
            name: open.name,
            attrs: open.attrs,
            ..Node::default()
        }];
        if open.empty {
            return Ok(stack.remove(0));
        }
        loop {
            match self.next()? {
                Step::Open(o) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.bad(
                            u64::MAX,
                            &format!("elements nested more than {MAX_DEPTH} deep in an entry"),
                        ));
                    }
                    let node = Node {
                        name: o.name,
                        attrs: o.attrs,
                        ..Node::default()
                    };
                    if o.empty {
                        if let Some(parent) = stack.last_mut() {
                            parent.children.push(node);
                        }
                    } else {
                        stack.push(node);
                    }
                }
                Step::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t);
                    }
                }
                Step::Close => {
                    let Some(done) = stack.pop() else {
                        return Err(self.bad(u64::MAX, "an element closes twice"));
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Step::End => return Err(self.bad(u64::MAX, "the file ends inside an element")),
            }
        }
    }
}

/// A refusal at a byte offset, naming its line.
fn refuse_at<R: BufRead>(tally: &Tally<R>, offset: u64, what: &str) -> RowError {
    RowError::at_line(
        tally.line_at(offset),
        format!("not well-formed XML: {}", crate::text::excerpt(what)),
    )
    .fatal()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{Step, Stream};
    use std::io::BufReader;

    const DOC: &str = "<?xml version=\"1.0\"?>\n<Document>\n  <Ntry>\n    <Amt Ccy=\"EUR\">1.00</Amt>\n  </Ntry>\n  <Ntry>\n    <Amt>2</Amt>\n  </Ntry>\n</Document>\n";

    /// Lines of the elements opened, reading through a buffer of `size`.
    fn opened(text: &str, size: usize) -> Result<Vec<(String, u64)>, String> {
        let mut stream = Stream::new(BufReader::with_capacity(size, text.as_bytes()));
        let mut seen = Vec::new();
        loop {
            match stream.next().map_err(|e| e.to_string())? {
                Step::Open(o) => seen.push((o.name, o.line)),
                Step::End => return Ok(seen),
                _ => {}
            }
        }
    }

    #[test]
    fn lines_and_checksum_are_those_of_the_file_whatever_the_buffer() {
        let want: Vec<(String, u64)> = [
            ("Document", 2),
            ("Ntry", 3),
            ("Amt", 4),
            ("Ntry", 6),
            ("Amt", 7),
        ]
        .iter()
        .map(|(n, l)| ((*n).to_string(), *l))
        .collect();
        for size in [1, 3, 7, 64, 1 << 16] {
            assert_eq!(opened(DOC, size).unwrap(), want, "buffer of {size}");
        }
        let mut stream = Stream::new(BufReader::with_capacity(5, DOC.as_bytes()));
        while !matches!(stream.next().unwrap(), Step::End) {}
        use sha2::{Digest, Sha256};
        let whole: String = Sha256::digest(DOC.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(stream.tally().sha256(), whole);
    }

    #[test]
    fn an_error_names_its_line_whatever_the_buffer() {
        let bad = DOC.replace("<Amt>2</Amt>", "<Amt>2</Amx>");
        for size in [1, 4, 1 << 16] {
            let err = opened(&bad, size).unwrap_err();
            assert!(err.starts_with("line 7: "), "{size}: {err}");
        }
    }
}
