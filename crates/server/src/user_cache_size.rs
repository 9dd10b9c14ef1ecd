//! How much the SQLite user cache may hold (`--sqlite-user-cache`).
//!
//! By default (`auto`) the cache may use an eighth of the memory the process may have: the
//! cgroup's limit when it runs in a container with one, else the machine's memory. The budget is
//! in bytes (each user's JSON plus the store's per-entry overhead), so users in many groups,
//! whose JSON is larger, take more of it and the memory stays within the eighth. A user
//! served from the cache costs about half the CPU of one read from a large database file, so
//! an account whose users all fit is served at the cached speed (docs/benchmarks.md), and the
//! cache only grows as far as distinct users are read: a small account never gets near the
//! budget.

use std::fmt;
use std::str::FromStr;

use accountd_store_sqlite::UserCacheLimits;
use serde::Deserialize;

/// Users held when the memory cannot be read (not Linux, or no /proc): ~20 MB.
pub const FALLBACK_USERS: usize = 50_000;
/// ~5 GB of users: more is a typo, not a plan.
pub const MAX_USERS: usize = 10_000_000;
/// `auto`'s least budget, whatever the memory: what the fixed default of 50,000 users took.
const MIN_BYTES: u64 = 32 << 20;
/// `auto`'s share of the memory.
const MEMORY_SHARE: u64 = 8;

/// The flag's value: a number of users, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "FileValue")]
pub enum UserCacheSize {
    Users(usize),
    Auto,
}

/// The TOML file's value: `sqlite-user-cache = 100000` or `sqlite-user-cache = "auto"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum FileValue {
    Number(usize),
    Text(String),
}

impl TryFrom<FileValue> for UserCacheSize {
    type Error = String;

    fn try_from(value: FileValue) -> Result<Self, String> {
        match value {
            FileValue::Number(users) => Ok(Self::Users(users)),
            FileValue::Text(text) => text.parse(),
        }
    }
}

impl FromStr for UserCacheSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text == "auto" {
            return Ok(Self::Auto);
        }
        text.parse().map(Self::Users).map_err(|_| {
            format!("expected a number of users (0 turns the cache off) or 'auto', not '{text}'")
        })
    }
}

impl fmt::Display for UserCacheSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Users(users) => write!(f, "{users}"),
            Self::Auto => f.write_str("auto"),
        }
    }
}

/// A resolved size, with how `auto` came to it (for the start-up log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub limits: UserCacheLimits,
    /// The memory `auto` took its share of, in bytes; `None` when the size was given, or when
    /// the memory could not be read.
    pub memory: Option<u64>,
}

impl UserCacheSize {
    /// The cache's limits, reading this machine's memory for `auto`: a number is that many
    /// users whatever they weigh; `auto` is a byte budget (and [`MAX_USERS`]), or
    /// [`FALLBACK_USERS`] when the memory cannot be read.
    pub fn resolve(self) -> Resolved {
        match self {
            Self::Users(users) => Resolved {
                limits: UserCacheLimits::users(users),
                memory: None,
            },
            Self::Auto => {
                let memory = available_memory();
                let limits = match memory {
                    Some(memory) => UserCacheLimits {
                        users: MAX_USERS,
                        bytes: bytes_for(memory),
                    },
                    None => UserCacheLimits::users(FALLBACK_USERS),
                };
                Resolved { limits, memory }
            }
        }
    }

    /// [`UserCacheSize::resolve`]'s limits, saying at start-up how they were chosen.
    pub fn resolve_and_log(self) -> UserCacheLimits {
        let Resolved { limits, memory } = self.resolve();
        match (self, memory) {
            (Self::Auto, Some(memory)) => tracing::info!(
                budget_mib = limits.bytes >> 20,
                memory_mib = memory >> 20,
                "user cache: up to an eighth of the memory (~410 bytes a user with a few groups)"
            ),
            (Self::Auto, None) => tracing::warn!(
                users = limits.users,
                "user cache: the memory could not be read; --sqlite-user-cache sizes it"
            ),
            (Self::Users(_), _) => tracing::info!(users = limits.users, "user cache"),
        }
        limits
    }
}

/// `auto`'s budget for `memory` bytes: its share, never below [`MIN_BYTES`] (a small machine
/// still gets the cache the fixed default gave it).
fn bytes_for(memory: u64) -> usize {
    let bytes = (memory / MEMORY_SHARE).max(MIN_BYTES);
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

/// The memory this process may use: the smaller of the machine's and its cgroup's limit.
fn available_memory() -> Option<u64> {
    let machine = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| mem_total(&text));
    let cgroup = cgroup_limit();
    match (machine, cgroup) {
        (Some(machine), Some(cgroup)) => Some(machine.min(cgroup)),
        (machine, cgroup) => machine.or(cgroup),
    }
}

/// `MemTotal` of /proc/meminfo, in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// The memory limit of this process's cgroup (v2, else v1), if it has one.
fn cgroup_limit() -> Option<u64> {
    // v2: this process's group is the `0::<path>` line of /proc/self/cgroup; inside a container
    // with its own cgroup namespace that path is `/`.
    let v2 = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|text| {
            let path = text.lines().find_map(|line| line.strip_prefix("0::"))?;
            let path = path.trim().trim_end_matches('/');
            std::fs::read_to_string(format!("/sys/fs/cgroup{path}/memory.max")).ok()
        })
        .or_else(|| std::fs::read_to_string("/sys/fs/cgroup/memory.max").ok());
    if let Some(text) = v2 {
        return limit(&text);
    }
    std::fs::read_to_string("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        .ok()
        .and_then(|text| limit(&text))
}

/// A cgroup memory limit file's value: `max` (v2) or a value past any machine's memory (v1's
/// "unlimited", 2^63 rounded down to a page) are no limit.
fn limit(text: &str) -> Option<u64> {
    const NO_MACHINE_HAS: u64 = 1 << 60;
    text.trim()
        .parse()
        .ok()
        .filter(|&bytes| bytes < NO_MACHINE_HAS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn the_flag_takes_a_number_or_auto() {
        assert_eq!("auto".parse(), Ok(UserCacheSize::Auto));
        assert_eq!("0".parse(), Ok(UserCacheSize::Users(0)));
        assert_eq!("1000".parse(), Ok(UserCacheSize::Users(1000)));
        for bad in ["", "Auto", "-1", "1e6", "lots"] {
            let err = bad.parse::<UserCacheSize>().unwrap_err();
            assert!(err.contains("'auto'") && err.contains(bad), "{bad}: {err}");
        }
        assert_eq!(UserCacheSize::Auto.to_string(), "auto");
        assert_eq!(UserCacheSize::Users(7).to_string(), "7");
    }

    #[test]
    fn the_file_takes_a_number_or_auto() {
        #[derive(Deserialize)]
        struct File {
            size: UserCacheSize,
        }
        let parse = |text: &str| toml::from_str::<File>(text).map(|file| file.size);
        assert_eq!(parse("size = 1000").ok(), Some(UserCacheSize::Users(1000)));
        assert_eq!(parse("size = \"auto\"").ok(), Some(UserCacheSize::Auto));
        assert!(parse("size = \"lots\"").is_err());
        assert!(parse("size = -1").is_err());
    }

    #[test]
    fn auto_takes_an_eighth_of_the_memory_and_at_least_the_old_defaults_share() {
        assert_eq!(bytes_for(24 * GIB), 3 << 30);
        assert_eq!(bytes_for(4 * GIB), 512 << 20);
        // A small container still gets what the fixed default of 50,000 users took.
        assert_eq!(bytes_for(512 << 20), 64 << 20);
        assert_eq!(bytes_for(128 << 20), 32 << 20);
        assert_eq!(bytes_for(0), 32 << 20);
        assert_eq!(bytes_for(u64::MAX), usize::try_from(u64::MAX / 8).unwrap());
    }

    #[test]
    fn memory_is_read_from_meminfo_and_cgroup_files() {
        let meminfo = "MemTotal:       24605848 kB\nMemFree:         1024 kB\n";
        assert_eq!(mem_total(meminfo), Some(24_605_848 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB\n"), None);
        assert_eq!(mem_total("MemTotal: lots\n"), None);
        assert_eq!(limit("max\n"), None);
        assert_eq!(limit("536870912\n"), Some(512 << 20));
        // cgroup v1's "unlimited".
        assert_eq!(limit("9223372036854771712\n"), None);
    }

    #[test]
    fn a_given_size_is_kept_and_auto_reads_this_machine() {
        assert_eq!(
            UserCacheSize::Users(123).resolve(),
            Resolved {
                limits: UserCacheLimits::users(123),
                memory: None
            }
        );
        let auto = UserCacheSize::Auto.resolve();
        match auto.memory {
            // Linux: a byte budget from the memory read.
            Some(memory) => assert_eq!(
                auto.limits,
                UserCacheLimits {
                    users: MAX_USERS,
                    bytes: bytes_for(memory)
                }
            ),
            None => assert_eq!(auto.limits, UserCacheLimits::users(FALLBACK_USERS)),
        }
    }
}
