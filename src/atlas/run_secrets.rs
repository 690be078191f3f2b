//! The secrets of a run that every answer is searched for: the
//! credentials, and each bearer token once fetched. Every answer shares one
//! snapshot; a new token swaps in a new one, so that no answer clones the
//! list and no answer misses a secret.

use std::sync::{Arc, PoisonError, RwLock};

use super::credentials::Credentials;
use super::redact::Redactor;
use crate::secret::Secret;

pub struct RunSecrets {
    snapshot: RwLock<Arc<Redactor>>,
}

impl RunSecrets {
    pub fn new(credentials: &Credentials) -> RunSecrets {
        let mut redactor = Redactor::default();
        match credentials {
            Credentials::None => {}
            Credentials::ApiKey { private, .. } => redactor.credential(private),
            // The client id is an identifier, never redacted; the Basic
            // value `client_id:secret` is found as base64 holding the secret.
            Credentials::ServiceAccount { secret, .. } => redactor.credential(secret),
        }
        RunSecrets {
            snapshot: RwLock::new(Arc::new(redactor)),
        }
    }

    /// The secrets known now. A lock poisoned by a panic elsewhere still
    /// holds a whole snapshot (each is swapped in whole), so it is read all
    /// the same: failing open would show server text unredacted.
    pub fn snapshot(&self) -> Arc<Redactor> {
        let snapshot = self.snapshot.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&snapshot)
    }

    /// `credential` is redacted from every answer from now on.
    pub fn add_credential(&self, credential: &Secret) {
        let mut snapshot = self
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut next = Redactor::clone(&snapshot);
        next.credential(credential);
        *snapshot = Arc::new(next);
    }
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;

    const PRIVATE: &str = "private-key-0123456789abcdef";
    const TOKEN: &str = "bearer-token-fedcba9876543210";

    fn secrets() -> RunSecrets {
        RunSecrets::new(&Credentials::ApiKey {
            public: "public".into(),
            private: Secret::new(PRIVATE),
        })
    }

    #[test]
    fn a_snapshot_redacts_the_credentials_and_later_tokens() {
        let secrets = secrets();
        let before = secrets.snapshot();
        secrets.add_credential(&Secret::new(TOKEN));
        let after = secrets.snapshot();
        let text = format!("key {PRIVATE} token {TOKEN}");
        assert!(!after.redact(&text).contains(PRIVATE));
        assert!(!after.redact(&text).contains(TOKEN));
        assert!(!before.redact(&text).contains(PRIVATE));
        assert!(
            Arc::ptr_eq(&after, &secrets.snapshot()),
            "answers share one snapshot"
        );
    }

    #[test]
    fn a_poisoned_lock_still_redacts() {
        let secrets = secrets();
        let poisoned = catch_unwind(AssertUnwindSafe(|| {
            let _held = secrets.snapshot.write().expect("not poisoned yet");
            panic!("a panic while the lock is held");
        }));
        assert!(poisoned.is_err() && secrets.snapshot.is_poisoned());
        let shown = secrets.snapshot().redact(&format!("echo {PRIVATE}"));
        assert!(!shown.contains(PRIVATE), "{shown}");
        secrets.add_credential(&Secret::new(TOKEN));
        let shown = secrets.snapshot().redact(&format!("echo {TOKEN}"));
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}
