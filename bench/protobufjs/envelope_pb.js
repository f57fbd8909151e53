/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

const $Reader = $protobuf.Reader,
  $Writer = $protobuf.Writer,
  $util = $protobuf.util;
const $Object = $util.global.Object,
  $undefined = $util.global.undefined,
  $Error = $util.global.Error,
  $RangeError = $util.global.RangeError,
  $TypeError = $util.global.TypeError,
  $Number = $util.global.Number,
  $parseInt = $util.global.parseInt,
  $String = $util.global.String,
  $Array = $util.global.Array,
  $BigInt = $util.global.BigInt,
  $Boolean = $util.global.Boolean,
  $isFinite = $util.global.isFinite;

const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const envelope = ($root.envelope = (() => {
  const envelope = {};

  envelope.v1 = (() => {
    const v1 = {};

    v1.Envelope = (() => {
      const Envelope = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Envelope.prototype.header = null;
      Envelope.prototype.body = null;

      Envelope.create = (properties) => new Envelope(properties);

      Envelope.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (message.header != null && $Object.hasOwnProperty.call(message, "header"))
          $root.envelope.v1.Header.encode(
            message.header,
            writer.uint32(10).fork(),
            _depth + 1,
          ).ldelim();
        if (message.body != null && $Object.hasOwnProperty.call(message, "body"))
          $root.envelope.v1.Body.encode(
            message.body,
            writer.uint32(18).fork(),
            _depth + 1,
          ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Envelope.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Envelope.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Envelope();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              message.header = $root.envelope.v1.Header.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.header,
              );
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              message.body = $root.envelope.v1.Body.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.body,
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Envelope.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Envelope.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.header != null && $Object.hasOwnProperty.call(message, "header")) {
          const error = $root.envelope.v1.Header.verify(message.header, _depth + 1);
          if (error) return "header." + error;
        }
        if (message.body != null && $Object.hasOwnProperty.call(message, "body")) {
          const error = $root.envelope.v1.Body.verify(message.body, _depth + 1);
          if (error) return "body." + error;
        }
        return null;
      };

      Envelope.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Envelope) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Envelope: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Envelope();
        if (object.header != null) {
          if (!$util.isObject(object.header))
            throw $TypeError(".envelope.v1.Envelope.header: object expected");
          message.header = $root.envelope.v1.Header.fromObject(object.header, _depth + 1);
        }
        if (object.body != null) {
          if (!$util.isObject(object.body))
            throw $TypeError(".envelope.v1.Envelope.body: object expected");
          message.body = $root.envelope.v1.Body.fromObject(object.body, _depth + 1);
        }
        return message;
      };

      Envelope.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          object.header = null;
          object.body = null;
        }
        if (message.header != null && $Object.hasOwnProperty.call(message, "header"))
          object.header = $root.envelope.v1.Header.toObject(message.header, options, _depth + 1);
        if (message.body != null && $Object.hasOwnProperty.call(message, "body"))
          object.body = $root.envelope.v1.Body.toObject(message.body, options, _depth + 1);
        return object;
      };

      Envelope.prototype.toJSON = function () {
        return Envelope.toObject(this, $protobuf.util.toJSONOptions);
      };

      Envelope.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Envelope";
      };

      return Envelope;
    })();

    v1.Header = (() => {
      const Header = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Header.prototype.schema = null;
      Header.prototype.eventId = $util.newBuffer([]);
      Header.prototype.timeUnixNano = $util.Long ? $util.Long.fromBits(0, 0, true) : 0;
      Header.prototype.producer = null;
      Header.prototype.trace = null;
      Header.prototype.resource = null;
      Header.prototype.status = null;

      Header.create = (properties) => new Header(properties);

      Header.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (message.schema != null && $Object.hasOwnProperty.call(message, "schema"))
          $root.envelope.v1.SchemaRef.encode(
            message.schema,
            writer.uint32(10).fork(),
            _depth + 1,
          ).ldelim();
        if (
          message.eventId != null &&
          $Object.hasOwnProperty.call(message, "eventId") &&
          message.eventId.length
        )
          writer.uint32(18).bytes(message.eventId);
        if (
          message.timeUnixNano != null &&
          $Object.hasOwnProperty.call(message, "timeUnixNano") &&
          (typeof message.timeUnixNano === "object"
            ? message.timeUnixNano.low || message.timeUnixNano.high
            : message.timeUnixNano !== 0)
        )
          writer.uint32(25).fixed64(message.timeUnixNano);
        if (message.producer != null && $Object.hasOwnProperty.call(message, "producer"))
          $root.envelope.v1.Producer.encode(
            message.producer,
            writer.uint32(34).fork(),
            _depth + 1,
          ).ldelim();
        if (message.trace != null && $Object.hasOwnProperty.call(message, "trace"))
          $root.envelope.v1.TraceContext.encode(
            message.trace,
            writer.uint32(42).fork(),
            _depth + 1,
          ).ldelim();
        if (message.resource != null && $Object.hasOwnProperty.call(message, "resource"))
          $root.envelope.v1.Resource.encode(
            message.resource,
            writer.uint32(50).fork(),
            _depth + 1,
          ).ldelim();
        if (message.status != null && $Object.hasOwnProperty.call(message, "status"))
          $root.envelope.v1.Status.encode(
            message.status,
            writer.uint32(58).fork(),
            _depth + 1,
          ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Header.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Header.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Header();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              message.schema = $root.envelope.v1.SchemaRef.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.schema,
              );
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if ((value = reader.bytes()).length) message.eventId = value;
              else delete message.eventId;
              continue;
            }
            case 3: {
              if (wireType !== 1) break;
              if (
                typeof (value = reader.fixed64()) === "object"
                  ? value.low || value.high
                  : value !== 0
              )
                message.timeUnixNano = value;
              else delete message.timeUnixNano;
              continue;
            }
            case 4: {
              if (wireType !== 2) break;
              message.producer = $root.envelope.v1.Producer.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.producer,
              );
              continue;
            }
            case 5: {
              if (wireType !== 2) break;
              message.trace = $root.envelope.v1.TraceContext.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.trace,
              );
              continue;
            }
            case 6: {
              if (wireType !== 2) break;
              message.resource = $root.envelope.v1.Resource.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.resource,
              );
              continue;
            }
            case 7: {
              if (wireType !== 2) break;
              message.status = $root.envelope.v1.Status.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.status,
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Header.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Header.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.schema != null && $Object.hasOwnProperty.call(message, "schema")) {
          const error = $root.envelope.v1.SchemaRef.verify(message.schema, _depth + 1);
          if (error) return "schema." + error;
        }
        if (message.eventId != null && $Object.hasOwnProperty.call(message, "eventId"))
          if (
            !(
              (message.eventId && typeof message.eventId.length === "number") ||
              $util.isString(message.eventId)
            )
          )
            return "eventId: buffer expected";
        if (message.timeUnixNano != null && $Object.hasOwnProperty.call(message, "timeUnixNano"))
          if (
            !$util.isInteger(message.timeUnixNano) &&
            !(
              message.timeUnixNano &&
              $util.isInteger(message.timeUnixNano.low) &&
              $util.isInteger(message.timeUnixNano.high)
            )
          )
            return "timeUnixNano: integer|Long expected";
        if (message.producer != null && $Object.hasOwnProperty.call(message, "producer")) {
          const error = $root.envelope.v1.Producer.verify(message.producer, _depth + 1);
          if (error) return "producer." + error;
        }
        if (message.trace != null && $Object.hasOwnProperty.call(message, "trace")) {
          const error = $root.envelope.v1.TraceContext.verify(message.trace, _depth + 1);
          if (error) return "trace." + error;
        }
        if (message.resource != null && $Object.hasOwnProperty.call(message, "resource")) {
          const error = $root.envelope.v1.Resource.verify(message.resource, _depth + 1);
          if (error) return "resource." + error;
        }
        if (message.status != null && $Object.hasOwnProperty.call(message, "status")) {
          const error = $root.envelope.v1.Status.verify(message.status, _depth + 1);
          if (error) return "status." + error;
        }
        return null;
      };

      Header.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Header) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Header: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Header();
        if (object.schema != null) {
          if (!$util.isObject(object.schema))
            throw $TypeError(".envelope.v1.Header.schema: object expected");
          message.schema = $root.envelope.v1.SchemaRef.fromObject(object.schema, _depth + 1);
        }
        if (object.eventId != null)
          if (object.eventId.length)
            if (typeof object.eventId === "string")
              $util.base64.decode(
                object.eventId,
                (message.eventId = $util.newBuffer($util.base64.length(object.eventId))),
                0,
              );
            else if (object.eventId.length >= 0) message.eventId = object.eventId;
        if (object.timeUnixNano != null)
          if (
            typeof object.timeUnixNano === "object"
              ? object.timeUnixNano.low || object.timeUnixNano.high
              : $Number(object.timeUnixNano) !== 0
          )
            if ($util.Long) message.timeUnixNano = $util.Long.fromValue(object.timeUnixNano, true);
            else if (typeof object.timeUnixNano === "string")
              message.timeUnixNano = $parseInt(object.timeUnixNano, 10);
            else if (typeof object.timeUnixNano === "number")
              message.timeUnixNano = object.timeUnixNano;
            else if (typeof object.timeUnixNano === "object")
              message.timeUnixNano = new $util.LongBits(
                object.timeUnixNano.low >>> 0,
                object.timeUnixNano.high >>> 0,
              ).toNumber(true);
        if (object.producer != null) {
          if (!$util.isObject(object.producer))
            throw $TypeError(".envelope.v1.Header.producer: object expected");
          message.producer = $root.envelope.v1.Producer.fromObject(object.producer, _depth + 1);
        }
        if (object.trace != null) {
          if (!$util.isObject(object.trace))
            throw $TypeError(".envelope.v1.Header.trace: object expected");
          message.trace = $root.envelope.v1.TraceContext.fromObject(object.trace, _depth + 1);
        }
        if (object.resource != null) {
          if (!$util.isObject(object.resource))
            throw $TypeError(".envelope.v1.Header.resource: object expected");
          message.resource = $root.envelope.v1.Resource.fromObject(object.resource, _depth + 1);
        }
        if (object.status != null) {
          if (!$util.isObject(object.status))
            throw $TypeError(".envelope.v1.Header.status: object expected");
          message.status = $root.envelope.v1.Status.fromObject(object.status, _depth + 1);
        }
        return message;
      };

      Header.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          object.schema = null;
          if (options.bytes === $String) object.eventId = "";
          else {
            object.eventId = [];
            if (options.bytes !== $Array) object.eventId = $util.newBuffer(object.eventId);
          }
          if ($util.Long) {
            const long = new $util.Long(0, 0, true);
            object.timeUnixNano =
              options.longs === $String
                ? long.toString()
                : options.longs === $Number
                  ? long.toNumber()
                  : typeof $BigInt !== "undefined" && options.longs === $BigInt
                    ? long.toBigInt()
                    : long;
          } else
            object.timeUnixNano =
              options.longs === $String
                ? "0"
                : typeof $BigInt !== "undefined" && options.longs === $BigInt
                  ? $BigInt("0")
                  : 0;
          object.producer = null;
          object.trace = null;
          object.resource = null;
          object.status = null;
        }
        if (message.schema != null && $Object.hasOwnProperty.call(message, "schema"))
          object.schema = $root.envelope.v1.SchemaRef.toObject(message.schema, options, _depth + 1);
        if (message.eventId != null && $Object.hasOwnProperty.call(message, "eventId"))
          object.eventId =
            options.bytes === $String
              ? $util.base64.encode(message.eventId, 0, message.eventId.length)
              : options.bytes === $Array
                ? $Array.prototype.slice.call(message.eventId)
                : message.eventId;
        if (message.timeUnixNano != null && $Object.hasOwnProperty.call(message, "timeUnixNano"))
          if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
            object.timeUnixNano =
              typeof message.timeUnixNano === "number"
                ? $BigInt(message.timeUnixNano)
                : $util.Long.fromBits(
                    message.timeUnixNano.low >>> 0,
                    message.timeUnixNano.high >>> 0,
                    true,
                  ).toBigInt();
          else if (typeof message.timeUnixNano === "number")
            object.timeUnixNano =
              options.longs === $String ? $String(message.timeUnixNano) : message.timeUnixNano;
          else
            object.timeUnixNano =
              options.longs === $String
                ? $util.Long.prototype.toString.call(message.timeUnixNano)
                : options.longs === $Number
                  ? new $util.LongBits(
                      message.timeUnixNano.low >>> 0,
                      message.timeUnixNano.high >>> 0,
                    ).toNumber(true)
                  : message.timeUnixNano;
        if (message.producer != null && $Object.hasOwnProperty.call(message, "producer"))
          object.producer = $root.envelope.v1.Producer.toObject(
            message.producer,
            options,
            _depth + 1,
          );
        if (message.trace != null && $Object.hasOwnProperty.call(message, "trace"))
          object.trace = $root.envelope.v1.TraceContext.toObject(
            message.trace,
            options,
            _depth + 1,
          );
        if (message.resource != null && $Object.hasOwnProperty.call(message, "resource"))
          object.resource = $root.envelope.v1.Resource.toObject(
            message.resource,
            options,
            _depth + 1,
          );
        if (message.status != null && $Object.hasOwnProperty.call(message, "status"))
          object.status = $root.envelope.v1.Status.toObject(message.status, options, _depth + 1);
        return object;
      };

      Header.prototype.toJSON = function () {
        return Header.toObject(this, $protobuf.util.toJSONOptions);
      };

      Header.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Header";
      };

      return Header;
    })();

    v1.SchemaRef = (() => {
      const SchemaRef = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      SchemaRef.prototype.type = "";
      SchemaRef.prototype.subtype = "";
      SchemaRef.prototype.version = "";
      SchemaRef.prototype.url = null;

      let $oneOfFields;

      // Virtual OneOf for proto3 optional field
      $Object.defineProperty(SchemaRef.prototype, "_url", {
        get: $util.oneOfGetter(($oneOfFields = ["url"])),
        set: $util.oneOfSetter($oneOfFields),
      });

      SchemaRef.create = (properties) => new SchemaRef(properties);

      SchemaRef.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.type != null &&
          $Object.hasOwnProperty.call(message, "type") &&
          message.type !== ""
        )
          writer.uint32(10).string(message.type);
        if (
          message.subtype != null &&
          $Object.hasOwnProperty.call(message, "subtype") &&
          message.subtype !== ""
        )
          writer.uint32(18).string(message.subtype);
        if (
          message.version != null &&
          $Object.hasOwnProperty.call(message, "version") &&
          message.version !== ""
        )
          writer.uint32(26).string(message.version);
        if (message.url != null && $Object.hasOwnProperty.call(message, "url"))
          writer.uint32(34).string(message.url);
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      SchemaRef.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      SchemaRef.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.SchemaRef();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.type = value;
              else delete message.type;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.subtype = value;
              else delete message.subtype;
              continue;
            }
            case 3: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.version = value;
              else delete message.version;
              continue;
            }
            case 4: {
              if (wireType !== 2) break;
              message.url = reader.stringVerify();
              message._url = "url";
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      SchemaRef.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      SchemaRef.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        const properties = {};
        if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
          if (!$util.isString(message.type)) return "type: string expected";
        if (message.subtype != null && $Object.hasOwnProperty.call(message, "subtype"))
          if (!$util.isString(message.subtype)) return "subtype: string expected";
        if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
          if (!$util.isString(message.version)) return "version: string expected";
        if (message.url != null && $Object.hasOwnProperty.call(message, "url")) {
          properties._url = 1;
          if (!$util.isString(message.url)) return "url: string expected";
        }
        return null;
      };

      SchemaRef.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.SchemaRef) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.SchemaRef: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.SchemaRef();
        if (object.type != null)
          if (typeof object.type !== "string" || object.type.length)
            message.type = $String(object.type);
        if (object.subtype != null)
          if (typeof object.subtype !== "string" || object.subtype.length)
            message.subtype = $String(object.subtype);
        if (object.version != null)
          if (typeof object.version !== "string" || object.version.length)
            message.version = $String(object.version);
        if (object.url != null) message.url = $String(object.url);
        return message;
      };

      SchemaRef.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          object.type = "";
          object.subtype = "";
          object.version = "";
        }
        if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
          object.type = message.type;
        if (message.subtype != null && $Object.hasOwnProperty.call(message, "subtype"))
          object.subtype = message.subtype;
        if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
          object.version = message.version;
        if (message.url != null && $Object.hasOwnProperty.call(message, "url"))
          object.url = message.url;
        return object;
      };

      SchemaRef.prototype.toJSON = function () {
        return SchemaRef.toObject(this, $protobuf.util.toJSONOptions);
      };

      SchemaRef.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.SchemaRef";
      };

      return SchemaRef;
    })();

    v1.Producer = (() => {
      const Producer = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Producer.prototype.language = "";
      Producer.prototype.version = "";

      Producer.create = (properties) => new Producer(properties);

      Producer.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.language != null &&
          $Object.hasOwnProperty.call(message, "language") &&
          message.language !== ""
        )
          writer.uint32(10).string(message.language);
        if (
          message.version != null &&
          $Object.hasOwnProperty.call(message, "version") &&
          message.version !== ""
        )
          writer.uint32(18).string(message.version);
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Producer.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Producer.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Producer();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.language = value;
              else delete message.language;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.version = value;
              else delete message.version;
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Producer.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Producer.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.language != null && $Object.hasOwnProperty.call(message, "language"))
          if (!$util.isString(message.language)) return "language: string expected";
        if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
          if (!$util.isString(message.version)) return "version: string expected";
        return null;
      };

      Producer.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Producer) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Producer: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Producer();
        if (object.language != null)
          if (typeof object.language !== "string" || object.language.length)
            message.language = $String(object.language);
        if (object.version != null)
          if (typeof object.version !== "string" || object.version.length)
            message.version = $String(object.version);
        return message;
      };

      Producer.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          object.language = "";
          object.version = "";
        }
        if (message.language != null && $Object.hasOwnProperty.call(message, "language"))
          object.language = message.language;
        if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
          object.version = message.version;
        return object;
      };

      Producer.prototype.toJSON = function () {
        return Producer.toObject(this, $protobuf.util.toJSONOptions);
      };

      Producer.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Producer";
      };

      return Producer;
    })();

    v1.TraceContext = (() => {
      const TraceContext = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      TraceContext.prototype.traceId = $util.newBuffer([]);
      TraceContext.prototype.spanId = $util.newBuffer([]);
      TraceContext.prototype.parentSpanId = $util.newBuffer([]);
      TraceContext.prototype.traceFlags = 0;
      TraceContext.prototype.traceState = "";

      TraceContext.create = (properties) => new TraceContext(properties);

      TraceContext.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.traceId != null &&
          $Object.hasOwnProperty.call(message, "traceId") &&
          message.traceId.length
        )
          writer.uint32(10).bytes(message.traceId);
        if (
          message.spanId != null &&
          $Object.hasOwnProperty.call(message, "spanId") &&
          message.spanId.length
        )
          writer.uint32(18).bytes(message.spanId);
        if (
          message.parentSpanId != null &&
          $Object.hasOwnProperty.call(message, "parentSpanId") &&
          message.parentSpanId.length
        )
          writer.uint32(26).bytes(message.parentSpanId);
        if (
          message.traceFlags != null &&
          $Object.hasOwnProperty.call(message, "traceFlags") &&
          message.traceFlags !== 0
        )
          writer.uint32(32).uint32(message.traceFlags);
        if (
          message.traceState != null &&
          $Object.hasOwnProperty.call(message, "traceState") &&
          message.traceState !== ""
        )
          writer.uint32(42).string(message.traceState);
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      TraceContext.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      TraceContext.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.TraceContext();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if ((value = reader.bytes()).length) message.traceId = value;
              else delete message.traceId;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if ((value = reader.bytes()).length) message.spanId = value;
              else delete message.spanId;
              continue;
            }
            case 3: {
              if (wireType !== 2) break;
              if ((value = reader.bytes()).length) message.parentSpanId = value;
              else delete message.parentSpanId;
              continue;
            }
            case 4: {
              if (wireType !== 0) break;
              if ((value = reader.uint32())) message.traceFlags = value;
              else delete message.traceFlags;
              continue;
            }
            case 5: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.traceState = value;
              else delete message.traceState;
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      TraceContext.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      TraceContext.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.traceId != null && $Object.hasOwnProperty.call(message, "traceId"))
          if (
            !(
              (message.traceId && typeof message.traceId.length === "number") ||
              $util.isString(message.traceId)
            )
          )
            return "traceId: buffer expected";
        if (message.spanId != null && $Object.hasOwnProperty.call(message, "spanId"))
          if (
            !(
              (message.spanId && typeof message.spanId.length === "number") ||
              $util.isString(message.spanId)
            )
          )
            return "spanId: buffer expected";
        if (message.parentSpanId != null && $Object.hasOwnProperty.call(message, "parentSpanId"))
          if (
            !(
              (message.parentSpanId && typeof message.parentSpanId.length === "number") ||
              $util.isString(message.parentSpanId)
            )
          )
            return "parentSpanId: buffer expected";
        if (message.traceFlags != null && $Object.hasOwnProperty.call(message, "traceFlags"))
          if (!$util.isInteger(message.traceFlags)) return "traceFlags: integer expected";
        if (message.traceState != null && $Object.hasOwnProperty.call(message, "traceState"))
          if (!$util.isString(message.traceState)) return "traceState: string expected";
        return null;
      };

      TraceContext.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.TraceContext) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.TraceContext: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.TraceContext();
        if (object.traceId != null)
          if (object.traceId.length)
            if (typeof object.traceId === "string")
              $util.base64.decode(
                object.traceId,
                (message.traceId = $util.newBuffer($util.base64.length(object.traceId))),
                0,
              );
            else if (object.traceId.length >= 0) message.traceId = object.traceId;
        if (object.spanId != null)
          if (object.spanId.length)
            if (typeof object.spanId === "string")
              $util.base64.decode(
                object.spanId,
                (message.spanId = $util.newBuffer($util.base64.length(object.spanId))),
                0,
              );
            else if (object.spanId.length >= 0) message.spanId = object.spanId;
        if (object.parentSpanId != null)
          if (object.parentSpanId.length)
            if (typeof object.parentSpanId === "string")
              $util.base64.decode(
                object.parentSpanId,
                (message.parentSpanId = $util.newBuffer($util.base64.length(object.parentSpanId))),
                0,
              );
            else if (object.parentSpanId.length >= 0) message.parentSpanId = object.parentSpanId;
        if (object.traceFlags != null)
          if ($Number(object.traceFlags) !== 0) message.traceFlags = object.traceFlags >>> 0;
        if (object.traceState != null)
          if (typeof object.traceState !== "string" || object.traceState.length)
            message.traceState = $String(object.traceState);
        return message;
      };

      TraceContext.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          if (options.bytes === $String) object.traceId = "";
          else {
            object.traceId = [];
            if (options.bytes !== $Array) object.traceId = $util.newBuffer(object.traceId);
          }
          if (options.bytes === $String) object.spanId = "";
          else {
            object.spanId = [];
            if (options.bytes !== $Array) object.spanId = $util.newBuffer(object.spanId);
          }
          if (options.bytes === $String) object.parentSpanId = "";
          else {
            object.parentSpanId = [];
            if (options.bytes !== $Array)
              object.parentSpanId = $util.newBuffer(object.parentSpanId);
          }
          object.traceFlags = 0;
          object.traceState = "";
        }
        if (message.traceId != null && $Object.hasOwnProperty.call(message, "traceId"))
          object.traceId =
            options.bytes === $String
              ? $util.base64.encode(message.traceId, 0, message.traceId.length)
              : options.bytes === $Array
                ? $Array.prototype.slice.call(message.traceId)
                : message.traceId;
        if (message.spanId != null && $Object.hasOwnProperty.call(message, "spanId"))
          object.spanId =
            options.bytes === $String
              ? $util.base64.encode(message.spanId, 0, message.spanId.length)
              : options.bytes === $Array
                ? $Array.prototype.slice.call(message.spanId)
                : message.spanId;
        if (message.parentSpanId != null && $Object.hasOwnProperty.call(message, "parentSpanId"))
          object.parentSpanId =
            options.bytes === $String
              ? $util.base64.encode(message.parentSpanId, 0, message.parentSpanId.length)
              : options.bytes === $Array
                ? $Array.prototype.slice.call(message.parentSpanId)
                : message.parentSpanId;
        if (message.traceFlags != null && $Object.hasOwnProperty.call(message, "traceFlags"))
          object.traceFlags = message.traceFlags;
        if (message.traceState != null && $Object.hasOwnProperty.call(message, "traceState"))
          object.traceState = message.traceState;
        return object;
      };

      TraceContext.prototype.toJSON = function () {
        return TraceContext.toObject(this, $protobuf.util.toJSONOptions);
      };

      TraceContext.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.TraceContext";
      };

      return TraceContext;
    })();

    v1.Resource = (() => {
      const Resource = function (properties) {
        this.attributes = [];
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Resource.prototype.serviceName = "";
      Resource.prototype.serviceVersion = null;
      Resource.prototype.environment = null;
      Resource.prototype.region = null;
      Resource.prototype.host = null;
      Resource.prototype.attributes = $util.emptyArray;

      let $oneOfFields;

      // Virtual OneOf for proto3 optional field
      $Object.defineProperty(Resource.prototype, "_serviceVersion", {
        get: $util.oneOfGetter(($oneOfFields = ["serviceVersion"])),
        set: $util.oneOfSetter($oneOfFields),
      });

      // Virtual OneOf for proto3 optional field
      $Object.defineProperty(Resource.prototype, "_environment", {
        get: $util.oneOfGetter(($oneOfFields = ["environment"])),
        set: $util.oneOfSetter($oneOfFields),
      });

      // Virtual OneOf for proto3 optional field
      $Object.defineProperty(Resource.prototype, "_region", {
        get: $util.oneOfGetter(($oneOfFields = ["region"])),
        set: $util.oneOfSetter($oneOfFields),
      });

      // Virtual OneOf for proto3 optional field
      $Object.defineProperty(Resource.prototype, "_host", {
        get: $util.oneOfGetter(($oneOfFields = ["host"])),
        set: $util.oneOfSetter($oneOfFields),
      });

      Resource.create = (properties) => new Resource(properties);

      Resource.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.serviceName != null &&
          $Object.hasOwnProperty.call(message, "serviceName") &&
          message.serviceName !== ""
        )
          writer.uint32(10).string(message.serviceName);
        if (
          message.serviceVersion != null &&
          $Object.hasOwnProperty.call(message, "serviceVersion")
        )
          writer.uint32(18).string(message.serviceVersion);
        if (message.environment != null && $Object.hasOwnProperty.call(message, "environment"))
          writer.uint32(26).string(message.environment);
        if (message.region != null && $Object.hasOwnProperty.call(message, "region"))
          writer.uint32(34).string(message.region);
        if (message.host != null && $Object.hasOwnProperty.call(message, "host"))
          writer.uint32(42).string(message.host);
        if (message.attributes != null && message.attributes.length)
          for (let i = 0; i < message.attributes.length; ++i)
            $root.envelope.v1.KeyValue.encode(
              message.attributes[i],
              writer.uint32(50).fork(),
              _depth + 1,
            ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Resource.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Resource.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Resource();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.serviceName = value;
              else delete message.serviceName;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              message.serviceVersion = reader.stringVerify();
              message._serviceVersion = "serviceVersion";
              continue;
            }
            case 3: {
              if (wireType !== 2) break;
              message.environment = reader.stringVerify();
              message._environment = "environment";
              continue;
            }
            case 4: {
              if (wireType !== 2) break;
              message.region = reader.stringVerify();
              message._region = "region";
              continue;
            }
            case 5: {
              if (wireType !== 2) break;
              message.host = reader.stringVerify();
              message._host = "host";
              continue;
            }
            case 6: {
              if (wireType !== 2) break;
              if (!(message.attributes && message.attributes.length)) message.attributes = [];
              message.attributes.push(
                $root.envelope.v1.KeyValue.decode(reader, reader.size(), $undefined, _depth + 1),
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Resource.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Resource.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        const properties = {};
        if (message.serviceName != null && $Object.hasOwnProperty.call(message, "serviceName"))
          if (!$util.isString(message.serviceName)) return "serviceName: string expected";
        if (
          message.serviceVersion != null &&
          $Object.hasOwnProperty.call(message, "serviceVersion")
        ) {
          properties._serviceVersion = 1;
          if (!$util.isString(message.serviceVersion)) return "serviceVersion: string expected";
        }
        if (message.environment != null && $Object.hasOwnProperty.call(message, "environment")) {
          properties._environment = 1;
          if (!$util.isString(message.environment)) return "environment: string expected";
        }
        if (message.region != null && $Object.hasOwnProperty.call(message, "region")) {
          properties._region = 1;
          if (!$util.isString(message.region)) return "region: string expected";
        }
        if (message.host != null && $Object.hasOwnProperty.call(message, "host")) {
          properties._host = 1;
          if (!$util.isString(message.host)) return "host: string expected";
        }
        if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes")) {
          if (!$Array.isArray(message.attributes)) return "attributes: array expected";
          for (let i = 0; i < message.attributes.length; ++i) {
            const error = $root.envelope.v1.KeyValue.verify(message.attributes[i], _depth + 1);
            if (error) return "attributes." + error;
          }
        }
        return null;
      };

      Resource.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Resource) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Resource: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Resource();
        if (object.serviceName != null)
          if (typeof object.serviceName !== "string" || object.serviceName.length)
            message.serviceName = $String(object.serviceName);
        if (object.serviceVersion != null) message.serviceVersion = $String(object.serviceVersion);
        if (object.environment != null) message.environment = $String(object.environment);
        if (object.region != null) message.region = $String(object.region);
        if (object.host != null) message.host = $String(object.host);
        if (object.attributes) {
          if (!$Array.isArray(object.attributes))
            throw $TypeError(".envelope.v1.Resource.attributes: array expected");
          message.attributes = $Array(object.attributes.length);
          for (let i = 0; i < object.attributes.length; ++i) {
            if (!$util.isObject(object.attributes[i]))
              throw $TypeError(".envelope.v1.Resource.attributes: object expected");
            message.attributes[i] = $root.envelope.v1.KeyValue.fromObject(
              object.attributes[i],
              _depth + 1,
            );
          }
        }
        return message;
      };

      Resource.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.arrays || options.defaults) object.attributes = [];
        if (options.defaults) object.serviceName = "";
        if (message.serviceName != null && $Object.hasOwnProperty.call(message, "serviceName"))
          object.serviceName = message.serviceName;
        if (
          message.serviceVersion != null &&
          $Object.hasOwnProperty.call(message, "serviceVersion")
        )
          object.serviceVersion = message.serviceVersion;
        if (message.environment != null && $Object.hasOwnProperty.call(message, "environment"))
          object.environment = message.environment;
        if (message.region != null && $Object.hasOwnProperty.call(message, "region"))
          object.region = message.region;
        if (message.host != null && $Object.hasOwnProperty.call(message, "host"))
          object.host = message.host;
        if (message.attributes && message.attributes.length) {
          object.attributes = $Array(message.attributes.length);
          for (let j = 0; j < message.attributes.length; ++j)
            object.attributes[j] = $root.envelope.v1.KeyValue.toObject(
              message.attributes[j],
              options,
              _depth + 1,
            );
        }
        return object;
      };

      Resource.prototype.toJSON = function () {
        return Resource.toObject(this, $protobuf.util.toJSONOptions);
      };

      Resource.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Resource";
      };

      return Resource;
    })();

    v1.StatusCode = (() => {
      const valuesById = $Object.create(null),
        values = $Object.create(valuesById);
      values[(valuesById[0] = "STATUS_CODE_UNSET")] = 0;
      values[(valuesById[1] = "STATUS_CODE_OK")] = 1;
      values[(valuesById[2] = "STATUS_CODE_ERROR")] = 2;
      return values;
    })();

    v1.Status = (() => {
      const Status = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Status.prototype.code = 0;
      Status.prototype.message = "";

      Status.create = (properties) => new Status(properties);

      Status.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.code != null &&
          $Object.hasOwnProperty.call(message, "code") &&
          message.code !== 0
        )
          writer.uint32(8).int32(message.code);
        if (
          message.message != null &&
          $Object.hasOwnProperty.call(message, "message") &&
          message.message !== ""
        )
          writer.uint32(18).string(message.message);
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Status.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Status.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Status();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 0) break;
              if ((value = reader.int32())) message.code = value;
              else delete message.code;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.message = value;
              else delete message.message;
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Status.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Status.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
          if (typeof message.code !== "number" || (message.code | 0) !== message.code)
            return "code: enum value expected";
        if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
          if (!$util.isString(message.message)) return "message: string expected";
        return null;
      };

      Status.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Status) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Status: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Status();
        if (
          object.code !== 0 &&
          (typeof object.code !== "string" || $root.envelope.v1.StatusCode[object.code] !== 0)
        )
          switch (object.code) {
            case "STATUS_CODE_UNSET":
            case 0:
              message.code = 0;
              break;
            case "STATUS_CODE_OK":
            case 1:
              message.code = 1;
              break;
            case "STATUS_CODE_ERROR":
            case 2:
              message.code = 2;
              break;
            default:
              if (typeof object.code === "number" && (object.code | 0) === object.code)
                message.code = object.code;
          }
        if (object.message != null)
          if (typeof object.message !== "string" || object.message.length)
            message.message = $String(object.message);
        return message;
      };

      Status.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          object.code = options.enums === $String ? "STATUS_CODE_UNSET" : 0;
          object.message = "";
        }
        if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
          object.code =
            options.enums === $String
              ? $root.envelope.v1.StatusCode[message.code] === $undefined
                ? message.code
                : $root.envelope.v1.StatusCode[message.code]
              : message.code;
        if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
          object.message = message.message;
        return object;
      };

      Status.prototype.toJSON = function () {
        return Status.toObject(this, $protobuf.util.toJSONOptions);
      };

      Status.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Status";
      };

      return Status;
    })();

    v1.Body = (() => {
      const Body = function (properties) {
        this.attributes = [];
        this.extensions = [];
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Body.prototype.attributes = $util.emptyArray;
      Body.prototype.extensions = $util.emptyArray;

      Body.create = (properties) => new Body(properties);

      Body.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (message.attributes != null && message.attributes.length)
          for (let i = 0; i < message.attributes.length; ++i)
            $root.envelope.v1.KeyValue.encode(
              message.attributes[i],
              writer.uint32(10).fork(),
              _depth + 1,
            ).ldelim();
        if (message.extensions != null && message.extensions.length)
          for (let i = 0; i < message.extensions.length; ++i)
            $root.envelope.v1.Extension.encode(
              message.extensions[i],
              writer.uint32(18).fork(),
              _depth + 1,
            ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Body.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Body.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Body();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if (!(message.attributes && message.attributes.length)) message.attributes = [];
              message.attributes.push(
                $root.envelope.v1.KeyValue.decode(reader, reader.size(), $undefined, _depth + 1),
              );
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if (!(message.extensions && message.extensions.length)) message.extensions = [];
              message.extensions.push(
                $root.envelope.v1.Extension.decode(reader, reader.size(), $undefined, _depth + 1),
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Body.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Body.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes")) {
          if (!$Array.isArray(message.attributes)) return "attributes: array expected";
          for (let i = 0; i < message.attributes.length; ++i) {
            const error = $root.envelope.v1.KeyValue.verify(message.attributes[i], _depth + 1);
            if (error) return "attributes." + error;
          }
        }
        if (message.extensions != null && $Object.hasOwnProperty.call(message, "extensions")) {
          if (!$Array.isArray(message.extensions)) return "extensions: array expected";
          for (let i = 0; i < message.extensions.length; ++i) {
            const error = $root.envelope.v1.Extension.verify(message.extensions[i], _depth + 1);
            if (error) return "extensions." + error;
          }
        }
        return null;
      };

      Body.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Body) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Body: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Body();
        if (object.attributes) {
          if (!$Array.isArray(object.attributes))
            throw $TypeError(".envelope.v1.Body.attributes: array expected");
          message.attributes = $Array(object.attributes.length);
          for (let i = 0; i < object.attributes.length; ++i) {
            if (!$util.isObject(object.attributes[i]))
              throw $TypeError(".envelope.v1.Body.attributes: object expected");
            message.attributes[i] = $root.envelope.v1.KeyValue.fromObject(
              object.attributes[i],
              _depth + 1,
            );
          }
        }
        if (object.extensions) {
          if (!$Array.isArray(object.extensions))
            throw $TypeError(".envelope.v1.Body.extensions: array expected");
          message.extensions = $Array(object.extensions.length);
          for (let i = 0; i < object.extensions.length; ++i) {
            if (!$util.isObject(object.extensions[i]))
              throw $TypeError(".envelope.v1.Body.extensions: object expected");
            message.extensions[i] = $root.envelope.v1.Extension.fromObject(
              object.extensions[i],
              _depth + 1,
            );
          }
        }
        return message;
      };

      Body.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.arrays || options.defaults) {
          object.attributes = [];
          object.extensions = [];
        }
        if (message.attributes && message.attributes.length) {
          object.attributes = $Array(message.attributes.length);
          for (let j = 0; j < message.attributes.length; ++j)
            object.attributes[j] = $root.envelope.v1.KeyValue.toObject(
              message.attributes[j],
              options,
              _depth + 1,
            );
        }
        if (message.extensions && message.extensions.length) {
          object.extensions = $Array(message.extensions.length);
          for (let j = 0; j < message.extensions.length; ++j)
            object.extensions[j] = $root.envelope.v1.Extension.toObject(
              message.extensions[j],
              options,
              _depth + 1,
            );
        }
        return object;
      };

      Body.prototype.toJSON = function () {
        return Body.toObject(this, $protobuf.util.toJSONOptions);
      };

      Body.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Body";
      };

      return Body;
    })();

    v1.Extension = (() => {
      const Extension = function (properties) {
        this.attributes = [];
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      Extension.prototype.namespace = "";
      Extension.prototype.version = "";
      Extension.prototype.attributes = $util.emptyArray;

      Extension.create = (properties) => new Extension(properties);

      Extension.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.namespace != null &&
          $Object.hasOwnProperty.call(message, "namespace") &&
          message.namespace !== ""
        )
          writer.uint32(10).string(message.namespace);
        if (
          message.version != null &&
          $Object.hasOwnProperty.call(message, "version") &&
          message.version !== ""
        )
          writer.uint32(18).string(message.version);
        if (message.attributes != null && message.attributes.length)
          for (let i = 0; i < message.attributes.length; ++i)
            $root.envelope.v1.KeyValue.encode(
              message.attributes[i],
              writer.uint32(26).fork(),
              _depth + 1,
            ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      Extension.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      Extension.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.Extension();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.namespace = value;
              else delete message.namespace;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.version = value;
              else delete message.version;
              continue;
            }
            case 3: {
              if (wireType !== 2) break;
              if (!(message.attributes && message.attributes.length)) message.attributes = [];
              message.attributes.push(
                $root.envelope.v1.KeyValue.decode(reader, reader.size(), $undefined, _depth + 1),
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      Extension.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      Extension.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.namespace != null && $Object.hasOwnProperty.call(message, "namespace"))
          if (!$util.isString(message.namespace)) return "namespace: string expected";
        if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
          if (!$util.isString(message.version)) return "version: string expected";
        if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes")) {
          if (!$Array.isArray(message.attributes)) return "attributes: array expected";
          for (let i = 0; i < message.attributes.length; ++i) {
            const error = $root.envelope.v1.KeyValue.verify(message.attributes[i], _depth + 1);
            if (error) return "attributes." + error;
          }
        }
        return null;
      };

      Extension.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.Extension) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.Extension: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.Extension();
        if (object.namespace != null)
          if (typeof object.namespace !== "string" || object.namespace.length)
            message.namespace = $String(object.namespace);
        if (object.version != null)
          if (typeof object.version !== "string" || object.version.length)
            message.version = $String(object.version);
        if (object.attributes) {
          if (!$Array.isArray(object.attributes))
            throw $TypeError(".envelope.v1.Extension.attributes: array expected");
          message.attributes = $Array(object.attributes.length);
          for (let i = 0; i < object.attributes.length; ++i) {
            if (!$util.isObject(object.attributes[i]))
              throw $TypeError(".envelope.v1.Extension.attributes: object expected");
            message.attributes[i] = $root.envelope.v1.KeyValue.fromObject(
              object.attributes[i],
              _depth + 1,
            );
          }
        }
        return message;
      };

      Extension.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.arrays || options.defaults) object.attributes = [];
        if (options.defaults) {
          object.namespace = "";
          object.version = "";
        }
        if (message.namespace != null && $Object.hasOwnProperty.call(message, "namespace"))
          object.namespace = message.namespace;
        if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
          object.version = message.version;
        if (message.attributes && message.attributes.length) {
          object.attributes = $Array(message.attributes.length);
          for (let j = 0; j < message.attributes.length; ++j)
            object.attributes[j] = $root.envelope.v1.KeyValue.toObject(
              message.attributes[j],
              options,
              _depth + 1,
            );
        }
        return object;
      };

      Extension.prototype.toJSON = function () {
        return Extension.toObject(this, $protobuf.util.toJSONOptions);
      };

      Extension.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.Extension";
      };

      return Extension;
    })();

    v1.KeyValue = (() => {
      const KeyValue = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      KeyValue.prototype.key = "";
      KeyValue.prototype.value = null;

      KeyValue.create = (properties) => new KeyValue(properties);

      KeyValue.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (
          message.key != null &&
          $Object.hasOwnProperty.call(message, "key") &&
          message.key !== ""
        )
          writer.uint32(10).string(message.key);
        if (message.value != null && $Object.hasOwnProperty.call(message, "value"))
          $root.envelope.v1.AnyValue.encode(
            message.value,
            writer.uint32(18).fork(),
            _depth + 1,
          ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      KeyValue.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      KeyValue.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message, value;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.KeyValue();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if ((value = reader.stringVerify()).length) message.key = value;
              else delete message.key;
              continue;
            }
            case 2: {
              if (wireType !== 2) break;
              message.value = $root.envelope.v1.AnyValue.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.value,
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      KeyValue.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      KeyValue.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.key != null && $Object.hasOwnProperty.call(message, "key"))
          if (!$util.isString(message.key)) return "key: string expected";
        if (message.value != null && $Object.hasOwnProperty.call(message, "value")) {
          const error = $root.envelope.v1.AnyValue.verify(message.value, _depth + 1);
          if (error) return "value." + error;
        }
        return null;
      };

      KeyValue.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.KeyValue) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.KeyValue: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.KeyValue();
        if (object.key != null)
          if (typeof object.key !== "string" || object.key.length)
            message.key = $String(object.key);
        if (object.value != null) {
          if (!$util.isObject(object.value))
            throw $TypeError(".envelope.v1.KeyValue.value: object expected");
          message.value = $root.envelope.v1.AnyValue.fromObject(object.value, _depth + 1);
        }
        return message;
      };

      KeyValue.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.defaults) {
          object.key = "";
          object.value = null;
        }
        if (message.key != null && $Object.hasOwnProperty.call(message, "key"))
          object.key = message.key;
        if (message.value != null && $Object.hasOwnProperty.call(message, "value"))
          object.value = $root.envelope.v1.AnyValue.toObject(message.value, options, _depth + 1);
        return object;
      };

      KeyValue.prototype.toJSON = function () {
        return KeyValue.toObject(this, $protobuf.util.toJSONOptions);
      };

      KeyValue.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.KeyValue";
      };

      return KeyValue;
    })();

    v1.AnyValue = (() => {
      const AnyValue = function (properties) {
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      AnyValue.prototype.stringValue = null;
      AnyValue.prototype.boolValue = null;
      AnyValue.prototype.intValue = null;
      AnyValue.prototype.doubleValue = null;
      AnyValue.prototype.arrayValue = null;
      AnyValue.prototype.kvlistValue = null;
      AnyValue.prototype.bytesValue = null;

      let $oneOfFields;

      $Object.defineProperty(AnyValue.prototype, "value", {
        get: $util.oneOfGetter(
          ($oneOfFields = [
            "stringValue",
            "boolValue",
            "intValue",
            "doubleValue",
            "arrayValue",
            "kvlistValue",
            "bytesValue",
          ]),
        ),
        set: $util.oneOfSetter($oneOfFields),
      });

      AnyValue.create = (properties) => new AnyValue(properties);

      AnyValue.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (message.stringValue != null && $Object.hasOwnProperty.call(message, "stringValue"))
          writer.uint32(10).string(message.stringValue);
        if (message.boolValue != null && $Object.hasOwnProperty.call(message, "boolValue"))
          writer.uint32(16).bool(message.boolValue);
        if (message.intValue != null && $Object.hasOwnProperty.call(message, "intValue"))
          writer.uint32(24).int64(message.intValue);
        if (message.doubleValue != null && $Object.hasOwnProperty.call(message, "doubleValue"))
          writer.uint32(33).double(message.doubleValue);
        if (message.arrayValue != null && $Object.hasOwnProperty.call(message, "arrayValue"))
          $root.envelope.v1.ArrayValue.encode(
            message.arrayValue,
            writer.uint32(42).fork(),
            _depth + 1,
          ).ldelim();
        if (message.kvlistValue != null && $Object.hasOwnProperty.call(message, "kvlistValue"))
          $root.envelope.v1.KeyValueList.encode(
            message.kvlistValue,
            writer.uint32(50).fork(),
            _depth + 1,
          ).ldelim();
        if (message.bytesValue != null && $Object.hasOwnProperty.call(message, "bytesValue"))
          writer.uint32(58).bytes(message.bytesValue);
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      AnyValue.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      AnyValue.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.AnyValue();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              message.stringValue = reader.stringVerify();
              message.value = "stringValue";
              continue;
            }
            case 2: {
              if (wireType !== 0) break;
              message.boolValue = reader.bool();
              message.value = "boolValue";
              continue;
            }
            case 3: {
              if (wireType !== 0) break;
              message.intValue = reader.int64();
              message.value = "intValue";
              continue;
            }
            case 4: {
              if (wireType !== 1) break;
              message.doubleValue = reader.double();
              message.value = "doubleValue";
              continue;
            }
            case 5: {
              if (wireType !== 2) break;
              message.arrayValue = $root.envelope.v1.ArrayValue.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.arrayValue,
              );
              message.value = "arrayValue";
              continue;
            }
            case 6: {
              if (wireType !== 2) break;
              message.kvlistValue = $root.envelope.v1.KeyValueList.decode(
                reader,
                reader.size(),
                $undefined,
                _depth + 1,
                message.kvlistValue,
              );
              message.value = "kvlistValue";
              continue;
            }
            case 7: {
              if (wireType !== 2) break;
              message.bytesValue = reader.bytes();
              message.value = "bytesValue";
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      AnyValue.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      AnyValue.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        const properties = {};
        if (message.stringValue != null && $Object.hasOwnProperty.call(message, "stringValue")) {
          properties.value = 1;
          if (!$util.isString(message.stringValue)) return "stringValue: string expected";
        }
        if (message.boolValue != null && $Object.hasOwnProperty.call(message, "boolValue")) {
          if (properties.value === 1) return "value: multiple values";
          properties.value = 1;
          if (typeof message.boolValue !== "boolean") return "boolValue: boolean expected";
        }
        if (message.intValue != null && $Object.hasOwnProperty.call(message, "intValue")) {
          if (properties.value === 1) return "value: multiple values";
          properties.value = 1;
          if (
            !$util.isInteger(message.intValue) &&
            !(
              message.intValue &&
              $util.isInteger(message.intValue.low) &&
              $util.isInteger(message.intValue.high)
            )
          )
            return "intValue: integer|Long expected";
        }
        if (message.doubleValue != null && $Object.hasOwnProperty.call(message, "doubleValue")) {
          if (properties.value === 1) return "value: multiple values";
          properties.value = 1;
          if (typeof message.doubleValue !== "number") return "doubleValue: number expected";
        }
        if (message.arrayValue != null && $Object.hasOwnProperty.call(message, "arrayValue")) {
          if (properties.value === 1) return "value: multiple values";
          properties.value = 1;
          {
            const error = $root.envelope.v1.ArrayValue.verify(message.arrayValue, _depth + 1);
            if (error) return "arrayValue." + error;
          }
        }
        if (message.kvlistValue != null && $Object.hasOwnProperty.call(message, "kvlistValue")) {
          if (properties.value === 1) return "value: multiple values";
          properties.value = 1;
          {
            const error = $root.envelope.v1.KeyValueList.verify(message.kvlistValue, _depth + 1);
            if (error) return "kvlistValue." + error;
          }
        }
        if (message.bytesValue != null && $Object.hasOwnProperty.call(message, "bytesValue")) {
          if (properties.value === 1) return "value: multiple values";
          properties.value = 1;
          if (
            !(
              (message.bytesValue && typeof message.bytesValue.length === "number") ||
              $util.isString(message.bytesValue)
            )
          )
            return "bytesValue: buffer expected";
        }
        return null;
      };

      AnyValue.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.AnyValue) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.AnyValue: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.AnyValue();
        if (object.stringValue != null) message.stringValue = $String(object.stringValue);
        if (object.boolValue != null) message.boolValue = $Boolean(object.boolValue);
        if (object.intValue != null)
          if ($util.Long) message.intValue = $util.Long.fromValue(object.intValue, false);
          else if (typeof object.intValue === "string")
            message.intValue = $parseInt(object.intValue, 10);
          else if (typeof object.intValue === "number") message.intValue = object.intValue;
          else if (typeof object.intValue === "object")
            message.intValue = new $util.LongBits(
              object.intValue.low >>> 0,
              object.intValue.high >>> 0,
            ).toNumber();
        if (object.doubleValue != null) message.doubleValue = $Number(object.doubleValue);
        if (object.arrayValue != null) {
          if (!$util.isObject(object.arrayValue))
            throw $TypeError(".envelope.v1.AnyValue.arrayValue: object expected");
          message.arrayValue = $root.envelope.v1.ArrayValue.fromObject(
            object.arrayValue,
            _depth + 1,
          );
        }
        if (object.kvlistValue != null) {
          if (!$util.isObject(object.kvlistValue))
            throw $TypeError(".envelope.v1.AnyValue.kvlistValue: object expected");
          message.kvlistValue = $root.envelope.v1.KeyValueList.fromObject(
            object.kvlistValue,
            _depth + 1,
          );
        }
        if (object.bytesValue != null)
          if (typeof object.bytesValue === "string")
            $util.base64.decode(
              object.bytesValue,
              (message.bytesValue = $util.newBuffer($util.base64.length(object.bytesValue))),
              0,
            );
          else if (object.bytesValue.length >= 0) message.bytesValue = object.bytesValue;
        return message;
      };

      AnyValue.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (message.stringValue != null && $Object.hasOwnProperty.call(message, "stringValue")) {
          object.stringValue = message.stringValue;
          if (options.oneofs) object.value = "stringValue";
        }
        if (message.boolValue != null && $Object.hasOwnProperty.call(message, "boolValue")) {
          object.boolValue = message.boolValue;
          if (options.oneofs) object.value = "boolValue";
        }
        if (message.intValue != null && $Object.hasOwnProperty.call(message, "intValue")) {
          if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
            object.intValue =
              typeof message.intValue === "number"
                ? $BigInt(message.intValue)
                : $util.Long.fromBits(
                    message.intValue.low >>> 0,
                    message.intValue.high >>> 0,
                    false,
                  ).toBigInt();
          else if (typeof message.intValue === "number")
            object.intValue =
              options.longs === $String ? $String(message.intValue) : message.intValue;
          else
            object.intValue =
              options.longs === $String
                ? $util.Long.prototype.toString.call(message.intValue)
                : options.longs === $Number
                  ? new $util.LongBits(
                      message.intValue.low >>> 0,
                      message.intValue.high >>> 0,
                    ).toNumber()
                  : message.intValue;
          if (options.oneofs) object.value = "intValue";
        }
        if (message.doubleValue != null && $Object.hasOwnProperty.call(message, "doubleValue")) {
          object.doubleValue =
            options.json && !$isFinite(message.doubleValue)
              ? $String(message.doubleValue)
              : message.doubleValue;
          if (options.oneofs) object.value = "doubleValue";
        }
        if (message.arrayValue != null && $Object.hasOwnProperty.call(message, "arrayValue")) {
          object.arrayValue = $root.envelope.v1.ArrayValue.toObject(
            message.arrayValue,
            options,
            _depth + 1,
          );
          if (options.oneofs) object.value = "arrayValue";
        }
        if (message.kvlistValue != null && $Object.hasOwnProperty.call(message, "kvlistValue")) {
          object.kvlistValue = $root.envelope.v1.KeyValueList.toObject(
            message.kvlistValue,
            options,
            _depth + 1,
          );
          if (options.oneofs) object.value = "kvlistValue";
        }
        if (message.bytesValue != null && $Object.hasOwnProperty.call(message, "bytesValue")) {
          object.bytesValue =
            options.bytes === $String
              ? $util.base64.encode(message.bytesValue, 0, message.bytesValue.length)
              : options.bytes === $Array
                ? $Array.prototype.slice.call(message.bytesValue)
                : message.bytesValue;
          if (options.oneofs) object.value = "bytesValue";
        }
        return object;
      };

      AnyValue.prototype.toJSON = function () {
        return AnyValue.toObject(this, $protobuf.util.toJSONOptions);
      };

      AnyValue.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.AnyValue";
      };

      return AnyValue;
    })();

    v1.ArrayValue = (() => {
      const ArrayValue = function (properties) {
        this.values = [];
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      ArrayValue.prototype.values = $util.emptyArray;

      ArrayValue.create = (properties) => new ArrayValue(properties);

      ArrayValue.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (message.values != null && message.values.length)
          for (let i = 0; i < message.values.length; ++i)
            $root.envelope.v1.AnyValue.encode(
              message.values[i],
              writer.uint32(10).fork(),
              _depth + 1,
            ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      ArrayValue.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      ArrayValue.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.ArrayValue();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if (!(message.values && message.values.length)) message.values = [];
              message.values.push(
                $root.envelope.v1.AnyValue.decode(reader, reader.size(), $undefined, _depth + 1),
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      ArrayValue.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      ArrayValue.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.values != null && $Object.hasOwnProperty.call(message, "values")) {
          if (!$Array.isArray(message.values)) return "values: array expected";
          for (let i = 0; i < message.values.length; ++i) {
            const error = $root.envelope.v1.AnyValue.verify(message.values[i], _depth + 1);
            if (error) return "values." + error;
          }
        }
        return null;
      };

      ArrayValue.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.ArrayValue) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.ArrayValue: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.ArrayValue();
        if (object.values) {
          if (!$Array.isArray(object.values))
            throw $TypeError(".envelope.v1.ArrayValue.values: array expected");
          message.values = $Array(object.values.length);
          for (let i = 0; i < object.values.length; ++i) {
            if (!$util.isObject(object.values[i]))
              throw $TypeError(".envelope.v1.ArrayValue.values: object expected");
            message.values[i] = $root.envelope.v1.AnyValue.fromObject(object.values[i], _depth + 1);
          }
        }
        return message;
      };

      ArrayValue.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.arrays || options.defaults) object.values = [];
        if (message.values && message.values.length) {
          object.values = $Array(message.values.length);
          for (let j = 0; j < message.values.length; ++j)
            object.values[j] = $root.envelope.v1.AnyValue.toObject(
              message.values[j],
              options,
              _depth + 1,
            );
        }
        return object;
      };

      ArrayValue.prototype.toJSON = function () {
        return ArrayValue.toObject(this, $protobuf.util.toJSONOptions);
      };

      ArrayValue.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.ArrayValue";
      };

      return ArrayValue;
    })();

    v1.KeyValueList = (() => {
      const KeyValueList = function (properties) {
        this.values = [];
        if (properties)
          for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      };

      KeyValueList.prototype.values = $util.emptyArray;

      KeyValueList.create = (properties) => new KeyValueList(properties);

      KeyValueList.encode = (message, writer, _depth) => {
        if (!writer) writer = $Writer.create();
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        if (message.values != null && message.values.length)
          for (let i = 0; i < message.values.length; ++i)
            $root.envelope.v1.KeyValue.encode(
              message.values[i],
              writer.uint32(10).fork(),
              _depth + 1,
            ).ldelim();
        if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
          for (let i = 0; i < message.$unknowns.length; ++i) writer.raw(message.$unknowns[i]);
        return writer;
      };

      KeyValueList.encodeDelimited = function (message, writer) {
        return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
      };

      KeyValueList.decode = (reader, length, _end, _depth, _target) => {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (_depth === $undefined) _depth = 0;
        if (_depth > $Reader.recursionLimit) throw $Error("max depth exceeded");
        let end, message;
        if (length === $undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw $RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = _target || new $root.envelope.v1.KeyValueList();
        while (reader.pos < end) {
          const start = reader.pos;
          let tag = reader.tag();
          if (tag === _end) {
            _end = $undefined;
            break;
          }
          const wireType = tag & 7;
          switch ((tag >>>= 3)) {
            case 1: {
              if (wireType !== 2) break;
              if (!(message.values && message.values.length)) message.values = [];
              message.values.push(
                $root.envelope.v1.KeyValue.decode(reader, reader.size(), $undefined, _depth + 1),
              );
              continue;
            }
          }
          reader.skipType(wireType, _depth, tag);
          if (!reader.discardUnknown) {
            $util.makeProp(message, "$unknowns", false);
            (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
          }
        }
        if (length !== $undefined) {
          if (reader.pos !== end) throw $RangeError("index out of range");
          reader.len = length;
        }
        if (_end !== $undefined) throw $Error("missing end group");
        return message;
      };

      KeyValueList.decodeDelimited = function (reader) {
        if (!(reader instanceof $Reader)) reader = new $Reader(reader);
        return this.decode(reader, reader.size());
      };

      KeyValueList.verify = (message, _depth) => {
        if (typeof message !== "object" || message === null) return "object expected";
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) return "max depth exceeded";
        if (message.values != null && $Object.hasOwnProperty.call(message, "values")) {
          if (!$Array.isArray(message.values)) return "values: array expected";
          for (let i = 0; i < message.values.length; ++i) {
            const error = $root.envelope.v1.KeyValue.verify(message.values[i], _depth + 1);
            if (error) return "values." + error;
          }
        }
        return null;
      };

      KeyValueList.fromObject = (object, _depth) => {
        if (object instanceof $root.envelope.v1.KeyValueList) return object;
        if (!$util.isObject(object)) throw $TypeError(".envelope.v1.KeyValueList: object expected");
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const message = new $root.envelope.v1.KeyValueList();
        if (object.values) {
          if (!$Array.isArray(object.values))
            throw $TypeError(".envelope.v1.KeyValueList.values: array expected");
          message.values = $Array(object.values.length);
          for (let i = 0; i < object.values.length; ++i) {
            if (!$util.isObject(object.values[i]))
              throw $TypeError(".envelope.v1.KeyValueList.values: object expected");
            message.values[i] = $root.envelope.v1.KeyValue.fromObject(object.values[i], _depth + 1);
          }
        }
        return message;
      };

      KeyValueList.toObject = (message, options, _depth) => {
        if (!options) options = {};
        if (_depth === $undefined) _depth = 0;
        if (_depth > $util.recursionLimit) throw $Error("max depth exceeded");
        const object = {};
        if (options.arrays || options.defaults) object.values = [];
        if (message.values && message.values.length) {
          object.values = $Array(message.values.length);
          for (let j = 0; j < message.values.length; ++j)
            object.values[j] = $root.envelope.v1.KeyValue.toObject(
              message.values[j],
              options,
              _depth + 1,
            );
        }
        return object;
      };

      KeyValueList.prototype.toJSON = function () {
        return KeyValueList.toObject(this, $protobuf.util.toJSONOptions);
      };

      KeyValueList.getTypeUrl = (prefix) => {
        if (prefix === $undefined) prefix = "type.googleapis.com";
        return prefix + "/envelope.v1.KeyValueList";
      };

      return KeyValueList;
    })();

    return v1;
  })();

  return envelope;
})());

export { $root as default };
