//! A report's bytes in → a report file out, replaced atomically: a private temporary file
//! beside the target, synced, renamed into place, the folder synced; a new report readable by
//! its owner only, a replaced one keeping its mode and group.

use anyhow::{Context as _, Result, anyhow};
use std::io::Write;
use std::path::Path;

/// Writes a report at `path` through a temporary file in the same folder, synced, renamed into
/// place and the rename synced, so a reader never sees a half-written report and a crash leaves
/// the old one or the new one.
///
/// A new report is readable by its owner only (0600, whatever the umask: it holds applicants'
/// personal details). A report that replaces a file keeps that file's mode and, where this user
/// may set it, its group, so the people who could read the old one can read the new one.
/// Through a symbolic link, the file it points at is replaced and the link stays.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file path", path.display()))?;
    let replaced = std::fs::metadata(&target).ok();
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let tmp_path = tmp.path().to_path_buf();
    #[cfg(unix)]
    if let Some(old) = &replaced {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // The group first: changing it may clear mode bits, which are set next.
        let _ = std::os::unix::fs::fchown(tmp.as_file(), None, Some(old.gid()));
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o777))
            .with_context(|| format!("cannot set the mode of {}", tmp_path.display()))?;
    }
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut w).with_context(|| format!("cannot write {}", tmp_path.display()))?;
        w.flush()
            .with_context(|| format!("cannot write {}", tmp_path.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot sync {}", tmp_path.display()))?;
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot move the report into place at {}", path.display()))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync the folder {}", dir.display()))?;
    Ok(())
}
