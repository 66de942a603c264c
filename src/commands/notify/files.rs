//! The files dun writes for the bookkeeper (letters, statements, the
//! outbox of `send --dry-run`): readable by their owner only whatever the
//! umask, and created new, never through a link nor over a file unless
//! told to replace it.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// Writes `bytes` to a new file at `path`, mode 0600. Something already
/// there is refused, unless `force`: then a file or a link is removed
/// first (the link itself, never what it points to) and the file created
/// anew.
pub fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let shown = path.display();
    if force {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => bail!("{shown} is a folder"),
            Ok(_) => fs::remove_file(path).with_context(|| format!("cannot replace {shown}"))?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
        }
    }
    // `create_new` is O_EXCL: it never follows a link, never opens a file
    // that is there.
    let mut file = match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => bail!(
            "{shown} exists already (a file or a link); dun does not write over it unless \
             given --force"
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
    };
    // The umask may have taken bits away from 0600; put them back.
    file.set_permissions(Permissions::from_mode(0o600))
        .and_then(|()| file.write_all(bytes))
        .with_context(|| format!("cannot write {shown}"))
}

/// The folder `dir`, created with its missing parents, mode 0700, when it
/// is not there; a folder that is there is used as it is.
pub fn private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .and_then(|()| fs::set_permissions(dir, Permissions::from_mode(0o700)))
        .with_context(|| format!("cannot create {}", dir.display()))
}
