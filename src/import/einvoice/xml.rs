//! A small element tree of one e-invoice, read with quick-xml: local names
//! only (a namespace prefix of any name, or none, reads the same), text
//! with its references resolved, and every element's path for messages.
//!
//! An e-invoice is a few kilobytes to a few megabytes: the tree of one file
//! is held while it is read, then dropped, so a folder of any size costs
//! the memory of its largest file.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Deepest nesting accepted: real invoices stay under 15 levels.
const MAX_DEPTH: usize = 64;

/// Most elements accepted in one file.
const MAX_ELEMENTS: usize = 2_000_000;

/// One element: its local name, attributes, text and children.
#[derive(Debug, Default)]
pub struct Element {
    /// The name without its prefix.
    pub name: String,
    /// Attributes by local name.
    pub attributes: Vec<(String, String)>,
    /// The text directly inside, trimmed.
    pub text: String,
    /// Child elements in order.
    pub children: Vec<Element>,
}

/// Where and why a file is not well-formed XML.
#[derive(Debug)]
pub struct XmlError {
    /// The path of the element the reader was in.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Reads a whole document; a byte order mark and a missing declaration
/// are fine, and a declared 8-bit encoding is decoded first.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let decoded;
    let text = match declared_encoding(bytes) {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            decoded = encoding.decode_without_bom_handling(bytes).0.into_owned();
            decoded.as_bytes()
        }
        _ => bytes,
    };
    let mut reader = Reader::from_reader(text);
    reader.config_mut().trim_text(true);
    let mut tree = Tree::default();
    loop {
        let event = reader.read_event().map_err(|e| XmlError {
            path: stack_path(&tree.stack),
            message: format!(
                "not well-formed XML: {}",
                crate::text::excerpt(&e.to_string())
            ),
        })?;
        if let Some(root) = tree.take(event)? {
            return Ok(root);
        }
    }
}

/// The elements open while a document is read.
#[derive(Default)]
struct Tree {
    stack: Vec<Element>,
    count: usize,
}

impl Tree {
    /// Takes one event; the root once it closes.
    fn take(&mut self, event: Event<'_>) -> Result<Option<Element>, XmlError> {
        match event {
            Event::Start(start) => {
                self.counted(true)?;
                self.stack.push(element(&start));
                Ok(None)
            }
            Event::Empty(start) => {
                self.counted(false)?;
                Ok(self.close(element(&start)))
            }
            Event::End(_) => {
                let Some(mut done) = self.stack.pop() else {
                    return Err(XmlError {
                        path: String::new(),
                        message: "not well-formed XML: a closing tag without its opening".into(),
                    });
                };
                let trimmed = done.text.trim();
                if trimmed.len() != done.text.len() {
                    done.text = trimmed.to_string();
                }
                Ok(self.close(done))
            }
            Event::Text(t) => {
                let piece = t.xml_content().map_err(|e| bad_text(&self.stack, &e))?;
                self.push_text(&piece);
                Ok(None)
            }
            Event::CData(t) => {
                self.push_text(&String::from_utf8_lossy(&t));
                Ok(None)
            }
            Event::GeneralRef(r) => {
                let c = reference(&r).ok_or_else(|| XmlError {
                    path: stack_path(&self.stack),
                    message: format!(
                        "not well-formed XML: unknown entity '&{};'",
                        crate::text::excerpt(&String::from_utf8_lossy(&r))
                    ),
                })?;
                if let Some(open) = self.stack.last_mut() {
                    open.text.push(c);
                }
                Ok(None)
            }
            Event::Eof => Err(XmlError {
                path: stack_path(&self.stack),
                message: if self.stack.is_empty() {
                    "no XML element in the file".into()
                } else {
                    "not well-formed XML: the file ends inside an element".into()
                },
            }),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => Ok(None),
        }
    }

    /// Counts an element, refusing one too deep or one too many.
    fn counted(&mut self, opens: bool) -> Result<(), XmlError> {
        self.count += 1;
        if (opens && self.stack.len() >= MAX_DEPTH) || self.count > MAX_ELEMENTS {
            return Err(too_big(&self.stack));
        }
        Ok(())
    }

    /// A finished element goes to its parent; the root is returned.
    fn close(&mut self, done: Element) -> Option<Element> {
        match self.stack.last_mut() {
            Some(parent) => {
                parent.children.push(done);
                None
            }
            None => Some(done),
        }
    }

    fn push_text(&mut self, piece: &str) {
        if let Some(open) = self.stack.last_mut() {
            open.text.push_str(piece);
        }
    }
}

/// The character an entity or character reference stands for.
fn reference(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => predefined(r),
        Err(_) => None,
    }
}

fn predefined(name: &[u8]) -> Option<char> {
    match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => None,
    }
}

fn too_big(stack: &[Element]) -> XmlError {
    XmlError {
        path: stack_path(stack),
        message: format!(
            "more than {MAX_DEPTH} levels or {MAX_ELEMENTS} elements; not an e-invoice dun reads"
        ),
    }
}

fn bad_text(stack: &[Element], e: &dyn std::fmt::Display) -> XmlError {
    XmlError {
        path: stack_path(stack),
        message: format!(
            "text that is not UTF-8: {}",
            crate::text::excerpt(&e.to_string())
        ),
    }
}

fn element(start: &BytesStart<'_>) -> Element {
    let name = local(start.name().as_ref());
    let attributes = start
        .attributes()
        .flatten()
        .map(|a| {
            let value = a
                .unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (local(a.key.as_ref()), value)
        })
        .collect();
    Element {
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.into_owned(),
    }
}

fn stack_path(stack: &[Element]) -> String {
    stack
        .iter()
        .map(|e| e.name.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

/// The encoding an XML declaration names, if any.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    let head = std::str::from_utf8(head)
        .ok()
        .or_else(|| std::str::from_utf8(&head[..head.len().min(100)]).ok())?;
    let decl = head.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next()?;
    let value = rest[quote.len_utf8()..].split(quote).next()?;
    encoding_rs::Encoding::for_label(value.as_bytes())
}

/// An element with the path that reached it, for messages.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The element.
    pub element: &'a Element,
    /// Its path from the root, with `[n]` for the nth of repeated siblings.
    pub path: String,
}

impl<'a> Node<'a> {
    /// The root of a document.
    pub fn root(element: &'a Element) -> Node<'a> {
        Node {
            element,
            path: element.name.clone(),
        }
    }

    /// The first child of that name; its path says `[1]` when it has
    /// siblings of the same name.
    pub fn child(&self, name: &str) -> Option<Node<'a>> {
        let mut same = self.element.children.iter().filter(|c| c.name == name);
        let element = same.next()?;
        let path = if same.next().is_some() {
            format!("{}/{name}[1]", self.path)
        } else {
            format!("{}/{name}", self.path)
        };
        Some(Node { element, path })
    }

    /// Every child of that name, numbered in their paths when there are
    /// several.
    pub fn children(&self, name: &str) -> Vec<Node<'a>> {
        let found: Vec<&Element> = self
            .element
            .children
            .iter()
            .filter(|c| c.name == name)
            .collect();
        let many = found.len() > 1;
        found
            .into_iter()
            .enumerate()
            .map(|(i, element)| Node {
                element,
                path: if many {
                    format!("{}/{name}[{}]", self.path, i + 1)
                } else {
                    format!("{}/{name}", self.path)
                },
            })
            .collect()
    }

    /// The element down a path of child names.
    pub fn at(&self, names: &[&str]) -> Option<Node<'a>> {
        let Some((first, rest)) = names.split_first() else {
            return Some(self.clone());
        };
        let mut node = self.child(first)?;
        for name in rest {
            node = node.child(name)?;
        }
        Some(node)
    }

    /// The text down a path of child names, when present and not blank;
    /// no path is built on the way.
    pub fn text_at(&self, names: &[&str]) -> Option<&'a str> {
        let mut element = self.element;
        for name in names {
            element = element.children.iter().find(|c| c.name == *name)?;
        }
        Some(element.text.as_str()).filter(|t| !t.is_empty())
    }

    /// The path a child of that name has or would have.
    pub fn path_of(&self, names: &[&str]) -> String {
        let mut path = self.path.clone();
        for name in names {
            path.push('/');
            path.push_str(name);
        }
        path
    }

    /// The first element of that name anywhere below, depth first; only
    /// its own path is built.
    pub fn find(&self, name: &str) -> Option<Node<'a>> {
        let mut trail: Vec<&'a str> = Vec::new();
        let element = find_below(self.element, name, &mut trail)?;
        let mut path = self.path.clone();
        for step in trail {
            path.push('/');
            path.push_str(step);
        }
        Some(Node { element, path })
    }

    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        self.element
            .attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Depth first search below `element`; `trail` is left holding the names
/// from it down to the one found.
fn find_below<'a>(
    element: &'a Element,
    name: &str,
    trail: &mut Vec<&'a str>,
) -> Option<&'a Element> {
    for child in &element.children {
        trail.push(child.name.as_str());
        if child.name == name {
            return Some(child);
        }
        if let Some(found) = find_below(child, name, trail) {
            return Some(found);
        }
        trail.pop();
    }
    None
}
