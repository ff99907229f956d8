//! Which values are secrets, and where they go. A variable is a secret by
//! its name (`PASSWORD`, `SECRET`, `TOKEN`, `..._KEY`, ...), by the env-file
//! variables its value was read from, or because it is a URL carrying a
//! password. Its value never reaches `stack.kdl`: it becomes a key of the
//! namespace's Secret, the value goes into the encrypted store, and an
//! empty or placeholder value (`changeme`, `replace-me-...`) becomes
//! `generated=#true` instead.

use super::plan::{SecretKeyPlan, SecretPlan};

/// Whether a variable's name says it holds a secret.
#[must_use]
pub fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    if ["_FILE", "_PATH", "_DIR", "_LENGTH", "_ENABLED", "_URL_PATH", "_TTL"].iter().any(|s| n.ends_with(s))
        || n.contains("PUBLIC")
    {
        return false;
    }
    let words: Vec<&str> = n.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIALS", "CREDENTIAL", "SALT", "PASS", "PW", "PWD"]
        .iter()
        .any(|s| n.contains(s) && (s.len() > 4 || words.contains(s)))
        || words.last().is_some_and(|w| *w == "KEY")
}

/// Whether a value is one to replace: empty, or an example people are told to change.
#[must_use]
pub fn placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    const WORDS: &[&str] =
        &["change", "replace", "example", "your", "placeholder", "random", "generate", "todo", "fixme"];
    const DEFAULTS: &[&str] =
        &["secret", "password", "pass", "postgres", "admin", "root", "test", "default", "redis", "123456"];
    // `super-secret-key`, `even-more-secret`, `STRONG_DB_PASSWORD`: filler
    // words around the word "secret" are an example, not a value.
    const FILLER: &[&str] = &[
        "super",
        "even",
        "more",
        "very",
        "much",
        "really",
        "top",
        "my",
        "some",
        "this",
        "is",
        "a",
        "the",
        "strong",
        "long",
        "db",
        "app",
        "api",
        "jwt",
        "encryption",
        "admin",
        "user",
    ];
    const SECRETISH: &[&str] = &["secret", "secrets", "password", "passwd", "pass", "key", "token"];
    let parts: Vec<&str> = v.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()).collect();
    let filler = parts.iter().any(|p| SECRETISH.contains(p))
        && parts.iter().all(|p| SECRETISH.contains(p) || FILLER.contains(p));
    v.is_empty()
        || filler
        || WORDS.iter().any(|w| v.contains(w))
        || DEFAULTS.contains(&v.as_str())
        || (v.starts_with('<') && v.ends_with('>'))
        || v.chars().all(|c| c == v.chars().next().unwrap_or('x'))
}

/// The password of a URL (`scheme://user:password@host`), if it has one.
#[must_use]
pub fn url_password(value: &str) -> Option<&str> {
    let rest = value.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p).filter(|p| !p.is_empty())
}

/// The namespace's Secret as it fills: keys in first-seen order.
#[derive(Debug, Default)]
pub struct SecretBook {
    pub name: String,
    pub keys: Vec<SecretKeyPlan>,
    /// Key and value to store, for keys with a real value.
    pub values: Vec<(String, String)>,
}

impl SecretBook {
    #[must_use]
    pub fn new(name: String) -> Self {
        Self { name, ..Self::default() }
    }

    /// The key holding `value` for variable `var` (an env-file variable, or
    /// the service's own variable name); a second, different value under
    /// the same name gets the key `<service>_<var>`.
    pub fn key(&mut self, var: &str, service: &str, value: &str, origin: &str) -> String {
        self.key_as(var, service, value, origin, placeholder(value))
    }

    /// A file's text under key `var`: stored as it is, never taken for a
    /// placeholder (a configuration file contains "example", "change", ...
    /// and a random string would replace it).
    pub fn file_key(&mut self, var: &str, service: &str, value: &str, origin: &str) -> String {
        self.key_as(var, service, value, origin, false)
    }

    fn key_as(&mut self, var: &str, service: &str, value: &str, origin: &str, generated: bool) -> String {
        let mut key = var.to_owned();
        if let Some(existing) = self.keys.iter().find(|k| k.key == key) {
            let same =
                if existing.generated { generated } else { self.values.iter().any(|(k, v)| *k == key && v == value) };
            if same {
                return key;
            }
            key = format!("{}_{var}", service.to_ascii_uppercase().replace('-', "_"));
            if self.keys.iter().any(|k| k.key == key) {
                return key;
            }
        }
        let comment = if generated {
            format!("{origin}: a placeholder, `stackc secrets generate` makes a random one")
        } else {
            format!("{origin}: its value is in the encrypted store")
        };
        self.keys.push(SecretKeyPlan { key: key.clone(), generated, comment });
        if !generated {
            self.values.push((key.clone(), value.to_owned()));
        }
        key
    }

    /// The Secret to declare, if any key was needed.
    #[must_use]
    pub fn plan(&self) -> Option<SecretPlan> {
        (!self.keys.is_empty()).then(|| SecretPlan { name: self.name.clone(), keys: self.keys.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_values_made_of_filler_words_are_placeholders() {
        for v in ["super-secret-key", "even-more-secret", "STRONG_DB_PASSWORD", "my_jwt_secret"] {
            assert!(placeholder(v), "{v}");
        }
        for v in ["Vn4Kq9zX", "secret-8f3a91", "keyboard"] {
            assert!(!placeholder(v), "{v}");
        }
    }

    #[test]
    fn names_values_and_urls() {
        for name in ["DB_PASSWORD", "APP_SECRET", "AUTHENTIK_SECRET_KEY", "GITHUB_TOKEN", "PG_PASS", "API_KEY"] {
            assert!(secret_name(name), "{name}");
        }
        for name in ["DB_HOSTNAME", "PASSWORD_FILE", "TZ", "KEYBOARD", "PASSAGE", "MONKEY_COUNT"] {
            assert!(!secret_name(name), "{name}");
        }
        assert!(placeholder("change-me") && placeholder("") && placeholder("replace-me-with-a-random-string"));
        assert!(!placeholder("Zx81-q0cK") && !placeholder("umami"));
        assert_eq!(url_password("postgresql://u:p4ss@db:5432/x"), Some("p4ss"));
        assert_eq!(url_password("redis://redis:6379"), None);
    }
}
