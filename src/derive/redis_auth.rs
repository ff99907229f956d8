//! A Redis database with `password=#true`: the server requires the password
//! in key `password` of `<name>-credentials`, without it ever being a
//! process argument.
//!
//! * One env var carries it, `REDISCLI_AUTH`, from the Secret: `redis-cli`
//!   authenticates with it when no `-a` is given (redis/redis 4f8cdc2
//!   src/redis-cli.c:62, parseEnv at :3056-3061), so the readiness probe
//!   (`redis-cli ping`, an exec probe) needs no change.
//! * The server reads `requirepass` from its standard input: `redis-server -`
//!   takes its configuration from stdin when `-` is the first or last
//!   argument (src/server.c:7083-7085), before the `--` options
//!   (:7069). A here-document written by `sh` feeds it: dash, Debian's
//!   `/bin/sh`, passes one through a pipe or memfd, never a file (dash
//!   src/redir.c, openhere()), so the read-only root filesystem is no obstacle.
//! * `sh` runs the image's entrypoint again with `redis-server` first, as the
//!   image's own `CMD` would: Redis 8's loads the bundled modules then
//!   (`--loadmodule`, appended after `-`, which stays the first argument;
//!   redis/docker-library-redis 0d55be9 debian/docker-entrypoint.sh), and
//!   every version's ends in `exec "$@"` (docker-library/redis e920499
//!   7.2/debian/docker-entrypoint.sh:24), so `redis-server` becomes the
//!   container's main process, gets SIGTERM and saves. The first, outer run
//!   only sets the umask (:19-22) and runs `sh`, since `sh` is not an option
//!   or a `.conf` file (:4-8); as non-root neither run switches user
//!   (:11-14). The server's argv is `redis-server - --appendonly ...`: the
//!   password is in no process's arguments.
//! * The password is one line of the configuration, `requirepass <value>`:
//!   it must be one word without quotes or backslashes (Redis splits
//!   configuration lines into arguments), as a generated one is.

use serde_json::{Value, json};

use super::databases::EngineSetup;
use crate::check::secrets::{PASSWORD_KEY, credentials_secret};

/// The env var the server and `redis-cli` read the password from.
pub(super) const ENV: &str = "REDISCLI_AUTH";

/// Data path, env and args of a Redis server that requires a password.
pub(super) fn server(name: &str, aof: bool) -> EngineSetup {
    let env: Vec<Value> = vec![json!({
        "name": ENV,
        "valueFrom": {"secretKeyRef": {"name": credentials_secret(name), "key": PASSWORD_KEY}},
    })];
    let script = if aof { AOF } else { RDB };
    ("/data", env, vec!["sh", "-c", script])
}

const AOF: &str = "exec docker-entrypoint.sh redis-server - --appendonly yes <<EOF\nrequirepass $REDISCLI_AUTH\nEOF\n";
const RDB: &str = "exec docker-entrypoint.sh redis-server - --appendonly no <<EOF\nrequirepass $REDISCLI_AUTH\nEOF\n";
