//! Tests of the TLS set-up, the login and the stream bounds.

use super::*;
use async_imap::Authenticator;

#[test]
fn loopback_hosts_are_told_apart_without_dns() {
    for h in [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "[::1]",
        "localhost",
        "LOCALHOST",
    ] {
        assert!(is_loopback_host(h), "{h}");
    }
    for h in [
        "192.0.2.1",
        "10.0.0.1",
        "::2",
        "localhost.example.com",
        "imap.example.com",
        "0.0.0.0",
        "",
    ] {
        assert!(!is_loopback_host(h), "{h}");
    }
}

#[test]
fn xoauth2_sends_the_google_format_once_then_an_empty_response() {
    let mut a = XOAuth2::new("reg@abs.gov.au", "ya29.tok");
    assert_eq!(
        a.process(b""),
        b"user=reg@abs.gov.au\x01auth=Bearer ya29.tok\x01\x01".to_vec()
    );
    // An error challenge ({"status":"401",...}) gets the empty response RFC 7628 asks for.
    assert_eq!(a.process(br#"{"status":"401"}"#), Vec::<u8>::new());
}

#[test]
fn redact_removes_every_copy_of_the_secret() {
    assert_eq!(
        redact("NO bad pass hunter22 (hunter22)", "hunter22"),
        "NO bad pass <redacted> (<redacted>)"
    );
}

#[test]
fn plaintext_to_a_remote_host_is_refused_before_connecting() {
    let cfg: ImapConfig = toml::from_str(
        r#"host = "192.0.2.1"
           port = 143
           tls = "none"
           username = "u"
           password = "p""#,
    )
    .unwrap();
    let err = prepare(&cfg).err().expect("refused").to_string();
    assert!(err.contains("refused"), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn secret_command_output_is_trimmed_and_failures_hide_output() {
    assert_eq!(
        run_secret_command("printf ' s3cret \\n'", "password_command")
            .await
            .unwrap(),
        "s3cret"
    );
    let err = run_secret_command("echo topsecret; exit 3", "password_command")
        .await
        .unwrap_err()
        .to_string();
    assert!(!err.contains("topsecret"), "{err}");
    assert!(err.contains("exit status: 3"), "{err}");
}
