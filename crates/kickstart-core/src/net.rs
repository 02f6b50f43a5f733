//! The one way the app, its tests and its tools make an HTTP client.

use std::sync::Once;

/// A reqwest client builder whose TLS runs on ring.
///
/// reqwest is built without a crypto provider of its own (see the workspace Cargo.toml: the
/// updater plugin links ring already, and reqwest's default would add aws-lc-rs beside it), so
/// it takes the process-wide one, installed here before the first client is built.
pub fn http_client() -> reqwest::ClientBuilder {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Fails only when a provider is installed already (the updater installs ring, too):
        // that one serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_installs_ring_so_a_client_with_tls_can_be_built() {
        // reqwest panics in build() when no provider is installed and it has none of its own.
        let client = http_client().https_only(true).build();
        assert!(client.is_ok(), "{client:?}");
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
