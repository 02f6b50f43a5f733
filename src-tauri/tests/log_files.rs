//! The log folder stays bounded: the file rolls over when it reaches its size limit, the newest
//! lines are in `kickstart.log`, and only `keep_files` older files stay.

use std::io::Write;

use kickstart_app::logging::{rolling_file, LogLimits, LOG_FILE};

#[test]
fn the_log_rolls_over_by_size_and_keeps_a_bounded_number_of_files() {
    let dir = tempfile::tempdir().expect("a log folder");
    let limits = LogLimits { max_file_bytes: 4096, keep_files: 3 };
    let mut log = rolling_file(dir.path(), limits).expect("a log file");
    // 500 lines of 100 bytes: about twelve files' worth at 4 KiB each.
    for n in 0..500 {
        writeln!(log, "line {n:05} {}", "x".repeat(88)).expect("written");
    }
    log.flush().expect("flushed");
    drop(log);

    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("the folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [LOG_FILE, "kickstart.log.1", "kickstart.log.2", "kickstart.log.3"], "three older files kept");

    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("a readable file");
    for name in &names {
        let size = read(name).len() as u64;
        assert!(size <= limits.max_file_bytes + 100, "{name} is {size} bytes, over the limit");
    }
    assert!(read(LOG_FILE).contains("line 00499"), "the newest lines are in the current file");
    assert!(read("kickstart.log.1").lines().count() > 0);
    let everything: String = names.iter().map(|name| read(name)).collect();
    assert!(!everything.contains("line 00000"), "the oldest lines were deleted with their file");
}

#[test]
fn an_unwritable_log_folder_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("a folder");
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "a file where the log folder should be").expect("written");
    assert!(rolling_file(&file, LogLimits::DEFAULT).is_err());
}
