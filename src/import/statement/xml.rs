//! A pull reader over an XML statement that hands out small subtrees: a
//! statement's entries are read one at a time, each as a [`Node`], so
//! memory follows the entry, not the file.

use quick_xml::Reader;
use quick_xml::events::Event;

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

/// The XML pull reader, counting lines as it goes.
pub(super) struct Stream<'a> {
    reader: Reader<&'a [u8]>,
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> Stream<'a> {
    /// Reads `bytes` (UTF-8 XML).
    pub(super) fn new(bytes: &'a [u8]) -> Stream<'a> {
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().trim_text(false);
        Stream {
            reader,
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line a byte offset is on.
    fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.bytes.len());
        if offset >= self.counted_to {
            let newlines = self.bytes[self.counted_to..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line += newlines as u64;
            self.counted_to = offset;
        }
        self.line
    }

    /// The next step, or a refusal naming the line.
    pub(super) fn next(&mut self) -> Result<Step, RowError> {
        loop {
            let before = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
                    let line = self.line_at(at);
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
                        .map_err(|e| self.bad(before, &e.to_string()))?;
                    return Ok(Step::Text(text.into_owned()));
                }
                Event::CData(t) => {
                    let text = t.decode().map_err(|e| self.bad(before, &e.to_string()))?;
                    return Ok(Step::Text(text.into_owned()));
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().map_err(|e| self.bad(before, &e.to_string()))?;
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .ok_or_else(|| self.bad(before, &format!("unknown entity &{name};")))?,
                    };
                    return Ok(Step::Text(resolved));
                }
                Event::Eof => return Ok(Step::End),
                _ => continue,
            };
            let line = self.line_at(before);
            let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
            let mut attrs = Vec::new();
            for a in start.attributes() {
                let a = a.map_err(|e| self.bad(before, &e.to_string()))?;
                let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                let value = a
                    .decode_and_unescape_value(self.reader.decoder())
                    .map_err(|e| self.bad(before, &e.to_string()))?;
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
    fn bad(&mut self, offset: usize, what: &str) -> RowError {
        let line = self.line_at(offset);
        RowError::at_line(
            line,
            format!("not well-formed XML: {}", crate::text::excerpt(what)),
        )
        .fatal()
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
                            usize::MAX,
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
                        return Err(self.bad(usize::MAX, "an element closes twice"));
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Step::End => return Err(self.bad(usize::MAX, "the file ends inside an element")),
            }
        }
    }
}
