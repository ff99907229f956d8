//! `stackc init`: a commented starter stack that builds as it is, and a
//! `.gitignore` that keeps identities and the build lock out of Git.

use std::fs;
use std::path::PathBuf;

use super::exit;

/// Arguments of `stackc init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The directory to start the stack in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The stack's name.
    #[arg(long, default_value = "homelab")]
    pub name: String,
}

const STARTER: &str = r#"// A stackc stack: `stackc build` renders it into out/.
// Reference: docs/stack-kdl.md in the stackc repository; `stackc schema` prints the JSON Schema.
stack "NAME" {
    // Facts about the cluster that no selector can express.
    cluster "production" distribution="k3s" version="1.33" {
        // The repository Flux syncs this tree from.
        git url="ssh://git@github.com/you/cluster" branch="main" interval="10m"
        // The API server's address: controllers and `api-access` apps reach it.
        api-server "10.0.0.10" port=6443
        storage-class "local-path" default=#true
    }

    // Platform components. `engine` is what applies the tree: "flux", "argocd" or "kustomize".
    // Flux's own manifests, out/clusters/production/flux-system/gotk-components.yaml, are listed
    // but not written: `flux bootstrap` commits them (docs/engines.md).
    platform {
        engine "flux"
        traefik
        // Certificates for exposed hosts: a Let's Encrypt issuer solving DNS-01 with Cloudflare.
        // Its API token is a Secret stackc keeps encrypted: list an `age-recipient` above
        // (`stackc secrets keygen` prints one), run
        // `stackc secrets set cert-manager/cloudflare-api-token api-token`, then uncomment
        // these lines and the `expose` below.
        // cert-manager {
        //     issuer "letsencrypt" acme-email="you@example.com" dns01="cloudflare" token-secret="cloudflare-api-token"
        // }
    }

    namespace "hello" {
        app "web" image="docker.io/nginxinc/nginx-unprivileged:1.29" {
            port "http" 8080
            // A Traefik IngressRoute and a Let's Encrypt certificate (needs the issuer above).
            // expose "hello.example.com" port="http"
            // Connections are the only traffic the NetworkPolicies allow.
            connects-to "cache"
            volume "tmp" mount="/tmp"
        }
        database "cache" engine="redis" version="8" size="1Gi" persistence="aof"
    }
}
"#;

const GITIGNORE: &str =
    "# age identities never belong in Git\n*.agekey\n# held while stackc writes out/\n.stackc.lock\n";

pub(super) fn run(args: &InitArgs) -> i32 {
    if !args.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') || args.name.is_empty() {
        eprintln!(
            "error: `{}` is not a valid stack name (lowercase letters, digits and `-`)",
            args.name.escape_default()
        );
        return exit::INPUT;
    }
    let stack = args.dir.join("stack.kdl");
    if stack.exists() {
        eprintln!("error: {} already exists; stackc init never overwrites it", stack.display());
        return exit::INPUT;
    }
    if let Err(e) = fs::create_dir_all(&args.dir) {
        eprintln!("error: cannot create {}: {e}", args.dir.display());
        return exit::INPUT;
    }
    if let Err(e) = fs::write(&stack, STARTER.replace("NAME", &args.name)) {
        eprintln!("error: cannot write {}: {e}", stack.display());
        return exit::INPUT;
    }
    let gitignore = args.dir.join(".gitignore");
    let existing = fs::read_to_string(&gitignore).unwrap_or_default();
    if !existing.contains("*.agekey") {
        let joined = if existing.is_empty() || existing.ends_with('\n') {
            existing + GITIGNORE
        } else {
            existing + "\n" + GITIGNORE
        };
        if let Err(e) = fs::write(&gitignore, joined) {
            eprintln!("error: cannot write {}: {e}", gitignore.display());
            return exit::INPUT;
        }
    }
    eprintln!("stackc: wrote {}; next: `stackc build`", stack.display());
    exit::OK
}
