//! What the readers accept and reject, codec by codec, with the exact error
//! codes of docs/spec.md ("Errors"). Table-driven: one row per input.

use envelope_producer::cbor::{self, Profile};
use envelope_producer::codec::{decode_frame, encode_frame, Variant};
use envelope_producer::error::{ErrorCode, Result};
use envelope_producer::json;
use envelope_producer::limits::{Budget, Limits};
use envelope_producer::model::{Body, Contract, Envelope, Extension, Value};
use envelope_producer::protobuf;
use envelope_producer::validate::validate;
use envelope_producer::wire::frame::{write_frame, Codec, Compression};

fn minimal() -> Envelope {
    let mut env = Envelope::default();
    env.header.schema.r#type = "ping".into();
    env.header.schema.subtype = "ping".into();
    env.header.schema.version = "1.0.0".into();
    env.header.event_id = vec![1; 16];
    env.header.time_unix_nano = 1;
    env.header.producer.language = "rust".into();
    env.header.producer.version = "0.1.0".into();
    env.header.resource.service_name = "s".into();
    env
}

fn decode(codec: Codec, header: &[u8], body: &[u8]) -> Result<Envelope> {
    let frame = write_frame(codec as u8, 0, header, body, body.len(), false);
    decode_frame(&frame, Contract::V1, &Limits::default()).map(|d| d.envelope)
}

fn hex(text: &str) -> Vec<u8> {
    let text: String = text.split_whitespace().collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn cbor_header() -> Vec<u8> {
    cbor::header_to_cbor(&minimal().header, Profile::Default)
}

/// The minimal header map with `entries` more key/value pairs (raw CBOR) appended.
fn cbor_header_plus(entries: usize, raw: &str) -> Vec<u8> {
    let mut h = cbor_header();
    assert_eq!(h[0], 0xa5, "the minimal header has 5 fields");
    h[0] += entries as u8;
    h.extend(hex(raw));
    h
}

/// One table row: name, header section, body section, and the body read back or the error code.
type Row<B> = (
    &'static str,
    Vec<u8>,
    B,
    std::result::Result<Body, ErrorCode>,
);

fn check<B: AsRef<[u8]>>(codec: Codec, rows: Vec<Row<B>>) {
    for (name, header, body, expected) in rows {
        let result = decode(codec, &header, body.as_ref());
        match (&result, &expected) {
            (Ok(env), Ok(body)) => assert_eq!(&env.body, body, "{name}"),
            (Err(e), Err(code)) => assert_eq!(e.code, *code, "{name}: {e}"),
            _ => panic!("{name}: got {result:?}, expected {expected:?}"),
        }
    }
}

fn body_attr(value: Value) -> Body {
    Body {
        attributes: vec![("a".into(), value)],
        extensions: vec![],
    }
}

#[test]
fn cbor_reader() {
    let ok_body = hex("a0");
    let cases: Vec<Row<Vec<u8>>> = vec![
        (
            "empty body",
            cbor_header(),
            ok_body.clone(),
            Ok(Body::default()),
        ),
        (
            "f16 reads as a double",
            cbor_header(),
            hex("a1 01 a1 6161 f93e00"),
            Ok(body_attr(Value::Double(1.5))),
        ),
        (
            "f32 reads as a double",
            cbor_header(),
            hex("a1 01 a1 6161 fa47c35000"),
            Ok(body_attr(Value::Double(100000.0))),
        ),
        (
            "int below int64",
            cbor_header(),
            hex("a1 01 a1 6161 3bffffffffffffffff"),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "int64 min",
            cbor_header(),
            hex("a1 01 a1 6161 3b7fffffffffffffff"),
            Ok(body_attr(Value::Int(i64::MIN))),
        ),
        (
            "uint over int64",
            cbor_header(),
            hex("a1 01 a1 6161 1b8000000000000000"),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "explicit default",
            cbor_header_plus(1, "07 a1 01 00"),
            ok_body.clone(),
            Ok(Body::default()),
        ),
        (
            "unknown key skipped",
            cbor_header_plus(1, "1863 82 01 a1 6178 f5"),
            ok_body.clone(),
            Ok(Body::default()),
        ),
        (
            "duplicate header key",
            cbor_header_plus(1, "03 01"),
            ok_body.clone(),
            Err(ErrorCode::DuplicateKey),
        ),
        (
            "duplicate attribute key",
            cbor_header(),
            hex("a1 01 a2 6161 01 6161 02"),
            Err(ErrorCode::DuplicateKey),
        ),
        (
            "text key in a contract map",
            cbor_header(),
            hex("a1 6161 01"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "integer attribute key",
            cbor_header(),
            hex("a1 01 a1 01 01"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "tag",
            cbor_header(),
            hex("a1 01 a1 6161 c1 01"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "tag in an unknown field: any well-formed CBOR is kept",
            cbor_header_plus(1, "1863 c1 c2 41 01"),
            ok_body.clone(),
            Ok(Body::default()),
        ),
        (
            "simple value and indefinite items in an unknown field",
            cbor_header_plus(1, "1863 9f f0 bf 6178 f7 ff 5f 4101 ff ff"),
            ok_body.clone(),
            Ok(Body::default()),
        ),
        (
            "two-byte simple value below 32 in an unknown field",
            cbor_header_plus(1, "1863 f818"),
            ok_body.clone(),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "indefinite body map",
            cbor_header(),
            hex("bf ff"),
            Ok(Body::default()),
        ),
        (
            "indefinite attribute map in an indefinite body map",
            cbor_header(),
            hex("bf 01 bf 6161 01 ff ff"),
            Ok(body_attr(Value::Int(1))),
        ),
        (
            "indefinite text: its chunks joined",
            cbor_header(),
            hex("a1 01 a1 6161 7f 6161 62c3a9 ff"),
            Ok(body_attr(Value::String("aé".into()))),
        ),
        (
            "indefinite bytes: its chunks joined",
            cbor_header(),
            hex("a1 01 a1 6161 5f 4101 40 420203 ff"),
            Ok(body_attr(Value::Bytes(vec![1, 2, 3]))),
        ),
        (
            "indefinite array and map values",
            cbor_header(),
            hex("a1 01 a1 6161 9f 01 bf 6162 f5 ff ff"),
            Ok(body_attr(Value::Array(vec![
                Value::Int(1),
                Value::Map(vec![("b".into(), Value::Bool(true))]),
            ]))),
        ),
        (
            "a byte-string chunk in indefinite text",
            cbor_header(),
            hex("a1 01 a1 6161 7f 4161 ff"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "break in a map's value position",
            cbor_header(),
            hex("a1 01 bf 6161 ff"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "indefinite map without its break",
            cbor_header(),
            hex("a1 01 bf 6161 01"),
            Err(ErrorCode::Truncated),
        ),
        // A known field (or a section) of another CBOR type: invalid_value, as in every reader.
        (
            "body section is an array",
            cbor_header(),
            hex("80"),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "body section is a break",
            cbor_header(),
            hex("ff"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "attributes as an array",
            cbor_header(),
            hex("a1 01 80"),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "extensions as a map",
            cbor_header(),
            hex("a1 02 a0"),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "extension namespace as an integer",
            cbor_header(),
            hex("a1 02 81 a1 01 01"),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "status as an integer",
            cbor_header_plus(1, "07 05"),
            ok_body.clone(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "status code as text",
            cbor_header_plus(1, "07 a1 01 6161"),
            ok_body.clone(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "a tag on a known field",
            cbor_header_plus(1, "07 c1 a0"),
            ok_body.clone(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "null value",
            cbor_header(),
            hex("a1 01 a1 6161 f6"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "undefined value",
            cbor_header(),
            hex("a1 01 a1 6161 f7"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "invalid UTF-8",
            cbor_header(),
            hex("a1 01 a1 6161 61ff"),
            Err(ErrorCode::InvalidUtf8),
        ),
        (
            "trailing bytes",
            cbor_header(),
            hex("a0 00"),
            Err(ErrorCode::TrailingBytes),
        ),
        (
            "truncated",
            cbor_header(),
            hex("a1 01 a1 6161 fb3ff0"),
            Err(ErrorCode::Truncated),
        ),
        (
            "reserved additional info",
            cbor_header(),
            hex("a1 01 a1 6161 1c"),
            Err(ErrorCode::InvalidCbor),
        ),
        (
            "trace flags over 255",
            cbor_header_plus(
                1,
                "05 a3 01 50 0101010101010101 0101010101010101 02 48 0101010101010101 04 190100",
            ),
            ok_body.clone(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "next-minor tenant ignored by v1",
            cbor_header_plus(1, "08 6174"),
            ok_body.clone(),
            Ok(Body::default()),
        ),
    ];
    check(Codec::Cbor, cases);
}

#[test]
fn cbor_depth_limit() {
    fn nested(depth: usize) -> Value {
        (0..depth).fold(Value::Int(1), |v, _| Value::Array(vec![v]))
    }
    for (depth, ok) in [(32, true), (33, false)] {
        let body = cbor::body_to_cbor(&body_attr(nested(depth)), Profile::Default);
        let result = decode(Codec::Cbor, &cbor_header(), &body);
        match result {
            Ok(env) => assert!(ok && env.body == body_attr(nested(depth))),
            Err(e) => assert!(!ok && e.code == ErrorCode::LimitExceeded, "{e}"),
        }
    }
}

fn json_header(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_str(&json::header_to_json(&minimal().header)).unwrap();
    edit(&mut v);
    v.to_string().into_bytes()
}

#[test]
fn json_reader() {
    let h = || json_header(|_| {});
    let attr = |value: &str| format!(r#"{{"attributes":[{{"key":"a","value":{value}}}]}}"#);
    let cases: Vec<Row<String>> = vec![
        ("empty body", h(), "{}".into(), Ok(Body::default())),
        ("null is absent", h(), r#"{"attributes":null}"#.into(), Ok(Body::default())),
        ("int as string", h(), attr(r#"{"intValue":"-9223372036854775808"}"#), Ok(body_attr(Value::Int(i64::MIN)))),
        ("int as safe number", h(), attr(r#"{"intValue":9007199254740991}"#), Ok(body_attr(Value::Int(9007199254740991)))),
        ("int as unsafe number", h(), attr(r#"{"intValue":9007199254740992}"#), Err(ErrorCode::InvalidJson)),
        ("int out of range", h(), attr(r#"{"intValue":"9223372036854775808"}"#), Err(ErrorCode::InvalidValue)),
        ("int with a fraction", h(), attr(r#"{"intValue":"1.5"}"#), Err(ErrorCode::InvalidJson)),
        ("double -0 string", h(), attr(r#"{"doubleValue":"-0"}"#), Ok(body_attr(Value::Double(-0.0)))),
        ("double -0 number", h(), attr(r#"{"doubleValue":-0}"#), Ok(body_attr(Value::Double(-0.0)))),
        ("double integral number", h(), attr(r#"{"doubleValue":1}"#), Ok(body_attr(Value::Double(1.0)))),
        ("double decimal string", h(), attr(r#"{"doubleValue":"2.5e-3"}"#), Ok(body_attr(Value::Double(0.0025)))),
        ("double NaN", h(), attr(r#"{"doubleValue":"NaN"}"#), Ok(body_attr(Value::Double(f64::NAN)))),
        ("double bad string", h(), attr(r#"{"doubleValue":"inf"}"#), Err(ErrorCode::InvalidJson)),
        ("bytes URL-safe unpadded", h(), attr(r#"{"bytesValue":"-_8"}"#), Ok(body_attr(Value::Bytes(vec![0xfb, 0xff])))),
        ("bytes bad base64", h(), attr(r#"{"bytesValue":"Zg="}"#), Err(ErrorCode::InvalidValue)),
        ("two kinds", h(), attr(r#"{"intValue":"1","stringValue":"x"}"#), Err(ErrorCode::InvalidJson)),
        ("no kind", h(), attr("{}"), Err(ErrorCode::InvalidValue)),
        ("empty array", h(), attr(r#"{"arrayValue":{}}"#), Ok(body_attr(Value::Array(vec![])))),
        ("duplicate key", h(), r#"{"attributes":[{"key":"a","value":{"boolValue":true}},{"key":"a","value":{"boolValue":true}}]}"#.into(), Err(ErrorCode::DuplicateKey)),
        ("missing key is the empty key", h(), r#"{"attributes":[{"value":{"boolValue":true}}]}"#.into(), Ok(Body { attributes: vec![("".into(), Value::Bool(true))], extensions: vec![] })),
        ("not JSON", h(), "{".into(), Err(ErrorCode::InvalidJson)),
        ("text after the value", h(), "{} {}".into(), Err(ErrorCode::InvalidJson)),
        ("uppercase id", json_header(|v| v["eventId"] = "0101010101010101010101010101010A".into()), "{}".into(), Err(ErrorCode::InvalidId)),
        ("snake_case key is unknown", json_header(|v| { let id = v["eventId"].take(); v["event_id"] = id; }), "{}".into(), Err(ErrorCode::InvalidId)),
        ("time as number", json_header(|v| v["timeUnixNano"] = 5.into()), "{}".into(), Ok(Body::default())),
        ("time zero", json_header(|v| v["timeUnixNano"] = "0".into()), "{}".into(), Err(ErrorCode::MissingField)),
        ("bad semver", json_header(|v| v["schema"]["version"] = "1.0".into()), "{}".into(), Err(ErrorCode::InvalidSemver)),
        ("status code out of range", json_header(|v| v["status"] = serde_json::json!({"code": 2147483648u64})), "{}".into(), Err(ErrorCode::InvalidValue)),
        ("no resource", json_header(|v| { v.as_object_mut().unwrap().remove("resource"); }), "{}".into(), Err(ErrorCode::MissingField)),
    ];
    check(Codec::Json, cases);
    let err = decode(Codec::Json, &h(), b"{\"attributes\":[{\"key\":\"\xff\"}]}").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidUtf8);
}

/// The JSON decisions of docs/spec.md ("Codec: JSON", "Reading"), one row
/// each, with the codes the TypeScript SDK and the Go reader give too.
#[test]
fn json_reader_decisions() {
    let h = || json_header(|_| {});
    let attr = |value: &str| format!(r#"{{"attributes":[{{"key":"a","value":{value}}}]}}"#);
    let cases: Vec<Row<String>> = vec![
        // Integers: a JSON number whose value is an integer, or decimal digits in a string.
        (
            "int 1.0",
            h(),
            attr(r#"{"intValue":1.0}"#),
            Ok(body_attr(Value::Int(1))),
        ),
        (
            "int 1e3",
            h(),
            attr(r#"{"intValue":1e3}"#),
            Ok(body_attr(Value::Int(1000))),
        ),
        (
            "int 30e-1",
            h(),
            attr(r#"{"intValue":30e-1}"#),
            Ok(body_attr(Value::Int(3))),
        ),
        (
            "int 3.5",
            h(),
            attr(r#"{"intValue":3.5}"#),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "int \"1e3\"",
            h(),
            attr(r#"{"intValue":"1e3"}"#),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "int \"+3\"",
            h(),
            attr(r#"{"intValue":"+3"}"#),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "int \"03\"",
            h(),
            attr(r#"{"intValue":"03"}"#),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "double \"1e3\"",
            h(),
            attr(r#"{"doubleValue":"1e3"}"#),
            Ok(body_attr(Value::Double(1000.0))),
        ),
        (
            "double \"1e400\"",
            h(),
            attr(r#"{"doubleValue":"1e400"}"#),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "double 1e400",
            h(),
            attr(r#"{"doubleValue":1e400}"#),
            Err(ErrorCode::InvalidJson),
        ),
        // The value oneof: no member, or only null ones, is no value.
        ("{} value", h(), attr("{}"), Err(ErrorCode::InvalidValue)),
        (
            "null member only",
            h(),
            attr(r#"{"boolValue":null}"#),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "boolValue false",
            h(),
            attr(r#"{"boolValue":false}"#),
            Ok(body_attr(Value::Bool(false))),
        ),
        // Duplicate names, compared after unescaping, anywhere.
        (
            "duplicate body key",
            h(),
            r#"{"attributes":[],"attributes":[]}"#.into(),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "duplicate kind key",
            h(),
            attr(r#"{"stringValue":"x","stringValue":"y"}"#),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "duplicate in an unknown object",
            h(),
            r#"{"x":{"a":1,"\u0061":2}}"#.into(),
            Err(ErrorCode::InvalidJson),
        ),
        (
            "same name in two objects",
            h(),
            r#"{"x":{"a":1},"y":{"a":1}}"#.into(),
            Ok(Body::default()),
        ),
        // The text: no byte order mark; U+FEFF inside a string is a character.
        ("BOM", h(), "\u{FEFF}{}".into(), Err(ErrorCode::InvalidJson)),
        (
            "U+FEFF in a string",
            h(),
            attr(r#"{"stringValue":"\ufeff"}"#),
            Ok(body_attr(Value::String("\u{FEFF}".into()))),
        ),
        (
            "lone surrogate escape",
            h(),
            attr(r#"{"stringValue":"\ud800"}"#),
            Err(ErrorCode::InvalidUtf8),
        ),
        // Extension namespaces: the registry's name rule in every codec.
        (
            "namespace",
            h(),
            r#"{"extensions":[{"namespace":"http.v2-x_y","version":"1.0.0"}]}"#.into(),
            Ok(Body {
                attributes: vec![],
                extensions: vec![Extension {
                    namespace: "http.v2-x_y".into(),
                    version: "1.0.0".into(),
                    attributes: vec![],
                }],
            }),
        ),
        (
            "namespace with uppercase",
            h(),
            r#"{"extensions":[{"namespace":"Http","version":"1.0.0"}]}"#.into(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "namespace with a slash",
            h(),
            r#"{"extensions":[{"namespace":"http/1","version":"1.0.0"}]}"#.into(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "namespace not ASCII",
            h(),
            r#"{"extensions":[{"namespace":"é","version":"1.0.0"}]}"#.into(),
            Err(ErrorCode::InvalidValue),
        ),
        (
            "BOM before the header",
            {
                let mut b = "\u{FEFF}".as_bytes().to_vec();
                b.extend(h());
                b
            },
            "{}".into(),
            Err(ErrorCode::InvalidJson),
        ),
    ];
    check(Codec::Json, cases);

    // status.code: numbers, decimal strings and the proto's value names.
    for (code, expected) in [
        (serde_json::json!("STATUS_CODE_UNSET"), Ok(0)),
        (serde_json::json!("STATUS_CODE_OK"), Ok(1)),
        (serde_json::json!("STATUS_CODE_ERROR"), Ok(2)),
        (serde_json::json!(2.0), Ok(2)),
        (serde_json::json!("2"), Ok(2)),
        (serde_json::json!(7), Ok(7)),
        (serde_json::json!("ERROR"), Err(ErrorCode::InvalidValue)),
        (
            serde_json::json!("status_code_error"),
            Err(ErrorCode::InvalidValue),
        ),
        (serde_json::json!("3.0"), Err(ErrorCode::InvalidValue)),
        (serde_json::json!(2.5), Err(ErrorCode::InvalidJson)),
        (serde_json::json!(-1), Err(ErrorCode::InvalidValue)),
    ] {
        let header = json_header(|v| v["status"] = serde_json::json!({ "code": code.clone() }));
        let got = decode(Codec::Json, &header, b"{}")
            .map(|env| env.header.status.expect("status").code)
            .map_err(|e| e.code);
        assert_eq!(got, expected, "status.code {code}");
    }
    // Integer forms in the header too: time and trace flags.
    let header = json_header(|v| v["timeUnixNano"] = serde_json::json!(1e3));
    assert_eq!(
        decode(Codec::Json, &header, b"{}")
            .unwrap()
            .header
            .time_unix_nano,
        1000
    );
}

#[test]
fn json_depth_limit() {
    let nested = |depth: usize| -> String {
        (0..depth).fold(r#"{"intValue":"1"}"#.to_string(), |v, _| {
            format!(r#"{{"arrayValue":{{"values":[{v}]}}}}"#)
        })
    };
    let body = |depth| {
        format!(
            r#"{{"attributes":[{{"key":"a","value":{}}}]}}"#,
            nested(depth)
        )
    };
    assert!(decode(Codec::Json, &json_header(|_| {}), body(32).as_bytes()).is_ok());
    let err = decode(Codec::Json, &json_header(|_| {}), body(33).as_bytes()).unwrap_err();
    assert_eq!(err.code, ErrorCode::LimitExceeded);
    let err = decode(Codec::Json, &json_header(|_| {}), body(2000).as_bytes()).unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::LimitExceeded,
        "deep input is refused before parsing"
    );
}

#[test]
fn json_writer_matches_the_mapping() {
    let mut env = minimal();
    env.header.schema.url = Some(String::new());
    env.body = Body {
        attributes: vec![
            ("s".into(), Value::String("\"\\\u{1}\u{2028}é".into())),
            ("i".into(), Value::Int(-3)),
            ("d".into(), Value::Double(1.0)),
            ("z".into(), Value::Double(-0.0)),
            ("n".into(), Value::Double(f64::NEG_INFINITY)),
            ("b".into(), Value::Bytes(vec![0xfb, 0xff])),
            ("a".into(), Value::Array(vec![])),
            ("m".into(), Value::Map(vec![])),
        ],
        extensions: vec![],
    };
    assert_eq!(
        json::header_to_json(&env.header),
        r#"{"schema":{"type":"ping","subtype":"ping","version":"1.0.0","url":""},"eventId":"01010101010101010101010101010101","timeUnixNano":"1","producer":{"language":"rust","version":"0.1.0"},"resource":{"serviceName":"s"}}"#
    );
    assert_eq!(
        json::body_to_json(&env.body),
        r#"{"attributes":[{"key":"s","value":{"stringValue":"\"\\\u0001"#.to_string()
            + "\u{2028}é"
            + r#""}},{"key":"i","value":{"intValue":"-3"}},{"key":"d","value":{"doubleValue":1}},{"key":"z","value":{"doubleValue":"-0"}},{"key":"n","value":{"doubleValue":"-Infinity"}},{"key":"b","value":{"bytesValue":"+/8="}},{"key":"a","value":{"arrayValue":{}}},{"key":"m","value":{"kvlistValue":{}}}]}"#
    );
}

#[test]
fn protobuf_reader() {
    let header = protobuf::header_to_protobuf(&minimal().header, Contract::V1).unwrap();
    let cases: Vec<Row<Vec<u8>>> = vec![
        ("empty body", header.clone(), vec![], Ok(Body::default())),
        // Body.attributes[0] = {key "a", value {int_value 0}}: the oneof member is written even when 0.
        ("int zero", header.clone(), hex("0a 07 0a 01 61 12 02 18 00"), Ok(body_attr(Value::Int(0)))),
        ("unknown field skipped", header.clone(), hex("f8 06 01"), Ok(Body::default())),
        ("AnyValue without a value", header.clone(), hex("0a 05 0a 01 61 12 00"), Err(ErrorCode::InvalidValue)),
        ("KeyValue without a value", header.clone(), hex("0a 03 0a 01 61"), Err(ErrorCode::InvalidValue)),
        ("invalid UTF-8 key", header.clone(), hex("0a 07 0a 01 ff 12 02 18 00"), Err(ErrorCode::InvalidUtf8)),
        ("length past the end", header.clone(), hex("0a 09 0a 01 61"), Err(ErrorCode::Truncated)),
        ("wrong wire type", header.clone(), hex("08 01"), Err(ErrorCode::InvalidProtobuf)),
        ("duplicate key", header.clone(), hex("0a 07 0a 01 61 12 02 10 01 0a 07 0a 01 61 12 02 10 00"), Err(ErrorCode::DuplicateKey)),
        ("negative status code", [header.clone(), hex("3a 0b 08 ff ff ff ff ff ff ff ff ff 01")].concat(), vec![], Err(ErrorCode::InvalidValue)),
        ("no producer", hex("0a 0f 0a 04 70696e67 12 04 70696e67 1a 01 31 12 10 01010101010101010101010101010101 19 0100000000000000 32 03 0a 01 73"), vec![], Err(ErrorCode::MissingField)),
    ];
    check(Codec::Protobuf, cases);
}

#[test]
fn one_envelope_means_no_trailing_bytes() {
    let env = minimal();
    let header = protobuf::header_to_protobuf(&env.header, Contract::V1).unwrap();
    let mut frame = write_frame(1, 0, &header, &[], 0, false);
    assert!(decode_frame(&frame, Contract::V1, &Limits::default()).is_ok());
    frame.push(0);
    let err = decode_frame(&frame, Contract::V1, &Limits::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::TrailingBytes);
}

#[test]
fn unframed_envelopes_round_trip() {
    let mut env = minimal();
    env.body = body_attr(Value::Map(vec![("k".into(), Value::Double(0.1))]));
    let mut budget = Budget::new(Limits::default());
    let pb = protobuf::envelope_to_protobuf(&env, Contract::V1).unwrap();
    assert_eq!(
        protobuf::envelope_from_protobuf(&pb, Contract::V1, &mut budget).unwrap(),
        env
    );
    for profile in [Profile::Default, Profile::Deterministic] {
        let bytes = cbor::envelope_to_cbor(&env, profile);
        assert_eq!(
            cbor::envelope_from_cbor(&bytes, Contract::V1, &mut budget).unwrap(),
            env
        );
    }
    let text = json::envelope_to_json(&env);
    let value = json::parse(text.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(
        json::envelope_from_json(&value, Contract::V1, &mut budget).unwrap(),
        env
    );
}

/// prost stops at 100 nested messages; a depth-32 map in an extension of an
/// unframed Envelope needs 100 (Envelope, Body, Extension, KeyValue, AnyValue,
/// then KeyValueList, KeyValue, AnyValue per level): exactly at the edge.
#[test]
fn depth_32_maps_fit_prost_recursion_limit() {
    let nested = (0..32).fold(Value::Int(1), |v, _| Value::Map(vec![("k".into(), v)]));
    let mut env = minimal();
    env.body.extensions.push(Extension {
        namespace: "x".into(),
        version: "1.0.0".into(),
        attributes: vec![("a".into(), nested.clone())],
    });
    env.header.resource.attributes.push(("a".into(), nested));
    let pb = protobuf::envelope_to_protobuf(&env, Contract::V1).unwrap();
    let mut budget = Budget::new(Limits::default());
    assert_eq!(
        protobuf::envelope_from_protobuf(&pb, Contract::V1, &mut budget).unwrap(),
        env
    );
    let frame = encode_frame(
        &env,
        Variant::Protobuf,
        Compression::None,
        Contract::V1,
        false,
    )
    .unwrap();
    assert_eq!(
        decode_frame(&frame, Contract::V1, &Limits::default())
            .unwrap()
            .envelope,
        env
    );
}

/// Every writer writes any NaN as the quiet NaN 0x7FF8000000000000
/// (docs/spec.md, "Attribute values"): prost and minicbor would write the
/// bits as they are, and a NaN computed in Rust is often another one.
#[test]
fn every_nan_is_written_canonical() {
    let computed = std::hint::black_box(0.0f64) / std::hint::black_box(0.0f64);
    for nan in [
        computed,
        f64::from_bits(0xFFF8_0000_0000_0000),
        f64::from_bits(0x7FF8_0000_0000_0001),
        f64::from_bits(0x7FF0_0000_0000_0001),
    ] {
        let body = body_attr(Value::Double(nan));
        let bits = nan.to_bits();
        // Body field 1, KeyValue {key "a", value AnyValue {double_value}}.
        assert_eq!(
            protobuf::body_to_protobuf(&body, Contract::V1),
            hex("0a0e 0a0161 1209 21 000000000000f87f"),
            "{bits:016x}"
        );
        assert_eq!(
            cbor::body_to_cbor(&body, Profile::Default),
            hex("a1 01 a1 6161 fb7ff8000000000000"),
            "{bits:016x}"
        );
        assert_eq!(
            cbor::body_to_cbor(&body, Profile::Deterministic),
            hex("a1 01 a1 6161 f97e00"),
            "{bits:016x}"
        );
        assert!(json::body_to_json(&body).contains(r#"{"doubleValue":"NaN"}"#));
    }
    // A NaN read with a payload is written back canonical.
    let mut budget = Budget::new(Limits::default());
    let read = protobuf::body_from_protobuf(
        &hex("0a0e 0a0161 1209 21 010000000000f87f"),
        Contract::V1,
        &mut budget,
    )
    .unwrap();
    assert_eq!(
        protobuf::body_to_protobuf(&read, Contract::V1),
        hex("0a0e 0a0161 1209 21 000000000000f87f")
    );
}

/// Extension namespaces follow the registry's name rule,
/// `^[a-z0-9][a-z0-9_.-]*$`, at most 255 bytes; anything else is
/// `invalid_value` at `body.extensions[i].namespace`.
#[test]
fn extension_namespace_rule() {
    let longest = "a".repeat(255);
    let too_long = "a".repeat(256);
    let rows: Vec<(&str, Option<ErrorCode>)> = vec![
        ("http", None),
        ("quota.next", None),
        ("a_b-c.9", None),
        (&longest, None),
        (&too_long, Some(ErrorCode::InvalidValue)),
        ("Http", Some(ErrorCode::InvalidValue)),
        ("_http", Some(ErrorCode::InvalidValue)),
        ("http/1", Some(ErrorCode::InvalidValue)),
        ("ht tp", Some(ErrorCode::InvalidValue)),
        ("é", Some(ErrorCode::InvalidValue)),
        ("", Some(ErrorCode::MissingField)),
    ];
    for (namespace, code) in rows {
        let mut env = minimal();
        for name in ["x", namespace] {
            env.body.extensions.push(Extension {
                namespace: name.into(),
                version: "1.0.0".into(),
                attributes: vec![],
            });
        }
        let got = validate(&env, &Limits::default());
        assert_eq!(got.as_ref().err().map(|e| e.code), code, "{namespace:?}");
        if let Err(e) = got {
            assert!(e.message.starts_with("body.extensions[1].namespace"), "{e}");
        }
    }
}
