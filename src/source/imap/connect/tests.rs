//! Tests of the TLS set-up, the login and the stream bounds.

use super::login::{LoginAnswer, login_answer, response_code};
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

#[test]
fn a_login_answer_is_read_from_its_status_line_not_its_words() {
    let refused = login_answer(
        Some(b"a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
        true,
        "pw",
    );
    assert_eq!(
        refused,
        LoginAnswer::Refused {
            code: Some("AUTHENTICATIONFAILED".into()),
            text: "Authentication failed.".into()
        }
    );
    // RFC 5530: the server cannot check now; worth retrying.
    let later = login_answer(Some(b"a1 NO [UNAVAILABLE] try later\r\n"), true, "pw");
    assert_eq!(later, LoginAnswer::Unavailable("try later".into()));
    let bad = login_answer(Some(b"a1 BAD LOGIN disabled\r\n"), false, "pw");
    assert!(matches!(bad, LoginAnswer::Bad(_)), "{bad:?}");
    // An echoed secret is removed; a line that cannot be parsed falls back on the typed NO.
    let echoed = login_answer(Some(b"a1 NO bad password hunter2\r\n"), true, "hunter2");
    assert!(
        matches!(&echoed, LoginAnswer::Refused { text, .. } if !text.contains("hunter2")),
        "{echoed:?}"
    );
    let garbled = login_answer(Some(b"\x00\xff garbage"), true, "pw");
    assert!(matches!(garbled, LoginAnswer::Refused { code: None, .. }));
    assert!(matches!(
        login_answer(None, false, "pw"),
        LoginAnswer::Bad(_)
    ));
    // Not a code: left in the text.
    assert_eq!(response_code("[a b"), (None, "[a b"));
    assert_eq!(response_code("[x_y] z"), (None, "[x_y] z"));
    assert_eq!(response_code("[alert] z"), (Some("ALERT".into()), "z"));
}

#[test]
fn a_refusal_reads_as_one_plain_line_with_what_to_check() {
    let e = LoginRefused {
        server: "mail.example.org:993".into(),
        mechanism: "AUTHENTICATE XOAUTH2",
        username: "reg@example.org".into(),
        code: None,
        text: String::new(),
    };
    let line = e.to_string();
    assert!(!line.contains('\n') && !line.contains("None") && !line.contains("Some("));
    assert!(
        line.contains("oauth2_token_command") && line.contains("not retried"),
        "{line}"
    );
}
