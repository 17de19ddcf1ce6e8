// The safetensors reader/writer (io) and the LibTorch save/load on top of it (tensor).
// LibTorch headers come before Qt's so Qt's keyword macros cannot touch them.
#include <ATen/Context.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/ones.h>

#include <QByteArray>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <functional>
#include <optional>

#include "common/error.h"
#include "io/mapped_file.h"
#include "io/safetensors.h"
#include "tensor/tensor_io.h"

using psr::Error;
using psr::ErrorCode;
using psr::io::DType;
using psr::io::SafetensorsReader;
using psr::io::TensorView;

namespace {

QByteArray le64(quint64 value) {
  QByteArray bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = char((value >> (8 * i)) & 0xff);
  return bytes;
}

/// A file as the format lays it out: length, header text, buffer.
QByteArray stFile(const QByteArray& header, const QByteArray& buffer = {}) {
  return le64(quint64(header.size())) + header + buffer;
}

QByteArray f32Bytes(std::initializer_list<float> values) {
  QByteArray bytes;
  for (float v : values) bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  return bytes;
}

QByteArray bytesOf(const TensorView& view) {
  return QByteArray(reinterpret_cast<const char*>(view.data), qsizetype(view.bytes));
}

std::optional<Error> errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

std::vector<std::int64_t> shapeOf(const QList<qint64>& dims) { return {dims.begin(), dims.end()}; }

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  std::string path(const QString& name) const { return dir_.filePath(name).toStdString(); }

  std::string writeFile(const QString& name, const QByteArray& bytes) const {
    QFile file(dir_.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write fixture");
    file.write(bytes);
    return file.fileName().toStdString();
  }

  QByteArray readFile(const std::string& name) const {
    QFile file(QString::fromStdString(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  // --- dtypes -----------------------------------------------------------------------------

  void dtypes_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("size");
    QTest::newRow("BOOL") << "BOOL" << 1;
    QTest::newRow("U8") << "U8" << 1;
    QTest::newRow("I8") << "I8" << 1;
    QTest::newRow("U16") << "U16" << 2;
    QTest::newRow("I16") << "I16" << 2;
    QTest::newRow("U32") << "U32" << 4;
    QTest::newRow("I32") << "I32" << 4;
    QTest::newRow("U64") << "U64" << 8;
    QTest::newRow("I64") << "I64" << 8;
    QTest::newRow("F8_E4M3") << "F8_E4M3" << 1;
    QTest::newRow("F8_E5M2") << "F8_E5M2" << 1;
    QTest::newRow("F16") << "F16" << 2;
    QTest::newRow("BF16") << "BF16" << 2;
    QTest::newRow("F32") << "F32" << 4;
    QTest::newRow("F64") << "F64" << 8;
  }

  void dtypes() {
    QFETCH(QString, name);
    QFETCH(int, size);
    const auto dtype = psr::io::parseDType(name.toStdString());
    QVERIFY(dtype.has_value());
    QCOMPARE(QString(psr::io::dtypeName(*dtype)), name);
    QCOMPARE(int(psr::io::dtypeSize(*dtype)), size);
    QVERIFY(!psr::io::parseDType(name.toLower().toStdString()) || name.toLower() == name);
  }

  void dtypeTableIsComplete() {
    QCOMPARE(int(psr::io::allDTypes().size()), 15);
    QVERIFY(!psr::io::parseDType("F33"));
    QVERIFY(!psr::io::parseDType(""));
    QVERIFY(!psr::io::parseDType("f32"));
  }

  void tensorByteSize() {
    QCOMPARE(psr::io::tensorByteSize(DType::F32, {}), std::size_t(4));  // 0-d scalar: one element
    QCOMPARE(psr::io::tensorByteSize(DType::BF16, {2, 3}), std::size_t(12));
    QCOMPARE(psr::io::tensorByteSize(DType::F64, {5, 0, 7}), std::size_t(0));
    // A zero dimension wins over dimensions whose product would overflow.
    QCOMPARE(psr::io::tensorByteSize(DType::F64, {std::int64_t(1) << 62, std::int64_t(1) << 62, 0}), std::size_t(0));
    auto err = errorOf([] { psr::io::tensorByteSize(DType::F32, {2, -1}); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::InvalidArgument);
    err = errorOf([] { psr::io::tensorByteSize(DType::F32, {std::int64_t(1) << 62, 8}); });
    QVERIFY(err);
    QVERIFY2(QString(err->what()).contains("overflow"), err->what());
  }

  // --- MappedFile -------------------------------------------------------------------------

  void mappedFile() {
    const auto file = writeFile("mapped.bin", "hello");
    psr::io::MappedFile mapped(file);
    QCOMPARE(mapped.size(), std::size_t(5));
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(mapped.data()), 5), QByteArray("hello"));

    psr::io::MappedFile moved(std::move(mapped));
    QCOMPARE(moved.size(), std::size_t(5));
    QCOMPARE(mapped.size(), std::size_t(0));  // NOLINT(bugprone-use-after-move): moved-from is empty
    QVERIFY(mapped.data() == nullptr);
    QCOMPARE(char(moved.data()[4]), 'o');

    psr::io::MappedFile assigned;
    assigned = std::move(moved);
    QCOMPARE(assigned.size(), std::size_t(5));
    QCOMPARE(assigned.path().string(), file);
  }

  void mappedFileEmpty() {
    psr::io::MappedFile mapped(writeFile("empty.bin", {}));
    QCOMPARE(mapped.size(), std::size_t(0));
    QVERIFY(mapped.data() == nullptr);
  }

  void mappedFileErrors() {
    const auto missing = path("does-not-exist.bin");
    auto err = errorOf([&] { psr::io::MappedFile m(missing); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::NotFound);
    QVERIFY2(QString(err->what()).contains(QString::fromStdString(missing)), err->what());
    QVERIFY2(QString(err->what()).contains(std::strerror(ENOENT)), err->what());

    err = errorOf([&] { psr::io::MappedFile m(dir_.path().toStdString()); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::Io);
    QVERIFY2(QString(err->what()).contains("not a regular file"), err->what());
  }

  // --- reader against hand-made bytes -----------------------------------------------------

  void readsHandWrittenFile() {
    // Laid out by hand from the format description, with metadata and space padding.
    const QByteArray header =
        R"({"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}})"
        "       ";
    QByteArray buffer;
    for (qint32 v : {1, -2, 3, 0x01020304}) buffer.append(reinterpret_cast<const char*>(&v), 4);
    const auto file = writeFile("hand.safetensors", stFile(header, buffer));
    QCOMPARE(readFile(file).left(8), QByteArray("\x66\0\0\0\0\0\0\0", 8));  // 102, little-endian

    SafetensorsReader reader(file);
    QCOMPARE(int(reader.tensors().size()), 1);
    const TensorView& t = reader.at("test1");
    QCOMPARE(t.name, std::string("test1"));
    QCOMPARE(t.dtype, DType::I32);
    QCOMPARE(t.shape, (std::vector<std::int64_t>{2, 2}));
    QCOMPARE(t.bytes, std::size_t(16));
    QCOMPARE(bytesOf(t), buffer);
    qint32 last = 0;
    std::memcpy(&last, t.data + 12, 4);
    QCOMPARE(last, 0x01020304);
    QCOMPARE(reader.metadata().size(), std::size_t(1));
    QCOMPARE(reader.metadata().at("framework"), std::string("pt"));
    QVERIFY(reader.find("missing") == nullptr);
    const auto err = errorOf([&] { reader.at("missing"); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::NotFound);
  }

  void readsInFileOrder() {
    // Header lists b before a, JSON object order is irrelevant; file order follows offsets.
    const QByteArray header = R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                              R"("z":{"dtype":"U8","shape":[0],"data_offsets":[8,8]},)"
                              R"("a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})";
    const auto file = writeFile("order.safetensors", stFile(header, f32Bytes({1.5f, -2.0f})));
    SafetensorsReader reader(file);
    QCOMPARE(int(reader.tensors().size()), 3);
    QCOMPARE(reader.tensors()[0].name, std::string("a"));
    QCOMPARE(reader.tensors()[1].name, std::string("b"));
    QCOMPARE(reader.tensors()[2].name, std::string("z"));
    QVERIFY(reader.tensors()[0].shape.empty());
    QCOMPARE(bytesOf(reader.at("a")), f32Bytes({1.5f}));
    QCOMPARE(bytesOf(reader.at("b")), f32Bytes({-2.0f}));
    QCOMPARE(reader.at("z").bytes, std::size_t(0));
    QVERIFY(reader.metadata().empty());

    // Views live in the mapping, which a move does not relocate.
    const std::byte* before = reader.at("b").data;
    SafetensorsReader moved(std::move(reader));
    QCOMPARE(moved.at("b").data, before);
    QCOMPARE(bytesOf(moved.at("b")), f32Bytes({-2.0f}));
  }

  void readsEmptyTensorSet() {
    SafetensorsReader reader(writeFile("none.safetensors", stFile("{}      ")));
    QVERIFY(reader.tensors().empty());
    QVERIFY(reader.metadata().empty());
  }

  // --- writer output against the format ---------------------------------------------------

  void writerBytesMatchFormat() {
    const QByteArray data = QByteArray::fromHex("01000000020000000300000004000000");
    TensorView t{"test", DType::I32, {2, 2}, reinterpret_cast<const std::byte*>(data.constData()), 16};
    const auto file = path("spec.safetensors");
    psr::io::writeSafetensors(file, {t});
    // 60 bytes of JSON padded with 4 spaces to 64 = 0x40, then the buffer.
    const QByteArray expected = QByteArray("\x40\0\0\0\0\0\0\0", 8) +
                                R"({"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}})"
                                "    " +
                                data;
    QCOMPARE(readFile(file), expected);
  }

  void writerBytesWithMetadata() {
    const QByteArray a = f32Bytes({1.0f});
    const QByteArray b = QByteArray::fromHex("0102");
    const std::vector<TensorView> tensors{
        {"w", DType::F32, {}, reinterpret_cast<const std::byte*>(a.constData()), 4},
        {"e", DType::BF16, {0, 3}, nullptr, 0},
        {"b", DType::U8, {2}, reinterpret_cast<const std::byte*>(b.constData()), 2},
    };
    const auto file = path("spec-meta.safetensors");
    psr::io::writeSafetensors(file, tensors, {{"format", "pt"}, {"a", "1"}});
    // Metadata first (keys sorted), then tensors in the given order with running offsets.
    const QByteArray json = R"({"__metadata__":{"a":"1","format":"pt"},)"
                            R"("w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                            R"("e":{"dtype":"BF16","shape":[0,3],"data_offsets":[4,4]},)"
                            R"("b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})";
    const QByteArray padded = json + QByteArray((8 - json.size() % 8) % 8, ' ');
    QCOMPARE(padded.size() % 8, 0);
    QCOMPARE(readFile(file), le64(quint64(padded.size())) + padded + a + b);
  }

  void headerPaddedToEight_data() {
    QTest::addColumn<QString>("name");
    for (int length = 1; length <= 9; ++length)
      QTest::newRow(qPrintable(QString::number(length))) << QString(length, QChar('n'));
  }

  void headerPaddedToEight() {
    QFETCH(QString, name);
    const QByteArray data = f32Bytes({3.0f});
    const auto file = path("pad.safetensors");
    psr::io::writeSafetensors(file, {{name.toStdString(), DType::F32, {1}, reinterpret_cast<const std::byte*>(data.constData()), 4}});
    const QByteArray bytes = readFile(file);
    quint64 length = 0;
    std::memcpy(&length, bytes.constData(), 8);
    QCOMPARE(length % 8, quint64(0));
    QCOMPARE(quint64(bytes.size()), 8 + length + 4);
    const QByteArray header = bytes.mid(8, qsizetype(length));
    QVERIFY(header.startsWith('{'));
    QVERIFY(header.trimmed().endsWith('}'));
    QVERIFY(header.size() - header.trimmed().size() < 8);
    QCOMPARE(bytes.right(4), data);
  }

  // --- round trips -----------------------------------------------------------------------

  void rawRoundTrip_data() {
    QTest::addColumn<int>("dtype");
    for (DType d : psr::io::allDTypes()) QTest::newRow(psr::io::dtypeName(d)) << int(d);
  }

  void rawRoundTrip() {
    QFETCH(int, dtype);
    const auto d = DType(dtype);
    const std::vector<std::vector<std::int64_t>> shapes{{}, {0}, {5}, {2, 3}, {2, 0, 4}, {1, 1, 3, 2}};
    std::vector<QByteArray> storage;
    std::vector<TensorView> tensors;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      QByteArray bytes(qsizetype(psr::io::tensorByteSize(d, shapes[i])), '\0');
      for (qsizetype k = 0; k < bytes.size(); ++k) bytes[k] = char((k * 131 + 7 * qsizetype(i) + dtype) & 0xff);
      storage.push_back(bytes);
    }
    for (std::size_t i = 0; i < shapes.size(); ++i)
      tensors.push_back({"t" + std::to_string(i), d, shapes[i],
                         reinterpret_cast<const std::byte*>(storage[i].constData()), std::size_t(storage[i].size())});
    const std::map<std::string, std::string> metadata{{"dtype", psr::io::dtypeName(d)}, {"unicode", "Grüße ✓"}};
    const auto file = path(QString("raw-%1.safetensors").arg(psr::io::dtypeName(d)));
    psr::io::writeSafetensors(file, tensors, metadata);

    SafetensorsReader reader(file);
    QCOMPARE(reader.metadata(), metadata);
    QCOMPARE(reader.tensors().size(), shapes.size());
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      const TensorView& t = reader.at("t" + std::to_string(i));
      QCOMPARE(t.dtype, d);
      QCOMPARE(t.shape, shapes[i]);
      QCOMPARE(bytesOf(t), storage[i]);
    }
    // Written order is file order (zero-size tensors included).
    for (std::size_t i = 0; i < shapes.size(); ++i) QCOMPARE(reader.tensors()[i].name, "t" + std::to_string(i));
  }

  void torchRoundTrip_data() {
    QTest::addColumn<int>("scalar");
    QTest::newRow("bool") << int(at::kBool);
    QTest::newRow("uint8") << int(at::kByte);
    QTest::newRow("int8") << int(at::kChar);
    QTest::newRow("int16") << int(at::kShort);
    QTest::newRow("int32") << int(at::kInt);
    QTest::newRow("int64") << int(at::kLong);
    QTest::newRow("float16") << int(at::kHalf);
    QTest::newRow("bfloat16") << int(at::kBFloat16);
    QTest::newRow("float32") << int(at::kFloat);
    QTest::newRow("float64") << int(at::kDouble);
  }

  void torchRoundTrip() {
    QFETCH(int, scalar);
    const auto type = at::ScalarType(scalar);
    const auto options = at::TensorOptions().dtype(at::kLong);
    const auto make = [&](std::int64_t n) {
      at::Tensor base = at::arange(-(n / 2), n - n / 2, options);  // negatives too
      return type == at::kBool ? base.remainder(3).eq(0) : base.to(type);
    };
    const at::Tensor matrix = make(6).reshape({2, 3});
    std::vector<std::pair<std::string, at::Tensor>> tensors{
        {"scalar", make(3)[2].clone()},
        {"empty", make(0).reshape({0, 4})},
        {"matrix", matrix},
        {"transposed", matrix.t()},  // not contiguous: must be written in logical order
        {"slice", make(20).slice(0, 3, 17, 2)},
    };
    QVERIFY(!tensors[3].second.is_contiguous());
    QCOMPARE(tensors[0].second.dim(), int64_t(0));
    const auto file = path(QString("torch-%1.safetensors").arg(c10::toString(type)));
    psr::tensor::saveTensors(file, tensors, {{"kind", "test"}});

    // The raw layer sees the mapped dtype and shapes.
    SafetensorsReader raw(file);
    QCOMPARE(raw.at("matrix").dtype, *psr::tensor::toDType(type));
    QCOMPARE(raw.at("transposed").shape, (std::vector<std::int64_t>{3, 2}));
    QCOMPARE(raw.tensors()[0].name, std::string("scalar"));

    std::map<std::string, std::string> metadata;
    const auto loaded = psr::tensor::loadTensors(file, c10::kCPU, &metadata);
    QCOMPARE(metadata.at("kind"), std::string("test"));
    QCOMPARE(loaded.size(), tensors.size());
    for (const auto& [name, original] : tensors) {
      const at::Tensor& back = loaded.at(name);
      QCOMPARE(back.scalar_type(), type);
      QCOMPARE(back.sizes().vec(), original.sizes().vec());
      QVERIFY(back.is_contiguous());
      QVERIFY2(at::equal(back, original), name.c_str());
    }
    // Spot-check real values rather than only self-consistency.
    const auto expect = [&](double v) { return type == at::kByte ? double(std::uint8_t(std::int8_t(v))) : v; };
    QCOMPARE(loaded.at("transposed")[2][0].to(at::kDouble).item<double>(), type == at::kBool ? 0.0 : expect(-1));
    QCOMPARE(loaded.at("transposed")[0][1].to(at::kDouble).item<double>(), type == at::kBool ? 1.0 : expect(0));
    if (type != at::kBool) QCOMPARE(loaded.at("slice")[1].to(at::kDouble).item<double>(), expect(-5));
    QCOMPARE(loaded.at("scalar").to(at::kDouble).item<double>(), type == at::kBool ? 0.0 : expect(1));
  }

  void torchResaveLoadedMapAndOwnership() {
    const auto file = path("map.safetensors");
    psr::tensor::saveTensors(file, {{"b", at::ones({2}, at::kFloat)}, {"a", at::arange(3, at::TensorOptions().dtype(at::kInt))}});
    QCOMPARE(SafetensorsReader(file).tensors()[0].name, std::string("b"));  // given order
    // What loadTensors returns can be saved again directly (name order then).
    const auto first = psr::tensor::loadTensors(file);
    psr::tensor::saveTensors(file, {first.begin(), first.end()});
    QCOMPARE(SafetensorsReader(file).tensors()[0].name, std::string("a"));
    auto loaded = psr::tensor::loadTensors(file);
    // Loaded tensors own their memory: deleting the file changes nothing.
    QVERIFY(QFile::remove(QString::fromStdString(file)));
    QCOMPARE(loaded.at("a")[2].item<int>(), 2);
    QCOMPARE(loaded.at("b").sum().item<float>(), 2.0f);
  }

  void torchBoolBytesNormalised() {
    const QByteArray header = R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})";
    const auto file = writeFile("bool.safetensors", stFile(header, QByteArray("\x00\x02\x01", 3)));
    const auto loaded = psr::tensor::loadTensors(file);
    const at::Tensor& m = loaded.at("m");
    QCOMPARE(static_cast<const unsigned char*>(m.data_ptr())[1], static_cast<unsigned char>(1));
    QCOMPARE(m.sum().item<std::int64_t>(), std::int64_t(2));
  }

  void torchUnsupported() {
    const auto file = path("complex.safetensors");
    auto err = errorOf([&] { psr::tensor::saveTensors(file, {{"c", at::ones({2}, at::kComplexFloat)}}); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::InvalidArgument);
    QVERIFY2(QString(err->what()).contains("unsupported scalar type"), err->what());
    QVERIFY(!QFile::exists(QString::fromStdString(file)));

    err = errorOf([&] { psr::tensor::saveTensors(file, {{"u", at::Tensor()}}); });
    QVERIFY(err);
    QVERIFY2(QString(err->what()).contains("undefined"), err->what());

    const QByteArray header = R"({"u":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}})";
    const auto u16 = writeFile("u16.safetensors", stFile(header, "\x01\x02"));
    QVERIFY(SafetensorsReader(u16).find("u") != nullptr);  // the raw layer still reads it
    err = errorOf([&] { psr::tensor::loadTensors(u16); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::InvalidArgument);
    QVERIFY2(QString(err->what()).contains("U16"), err->what());
  }

  void torchCudaRoundTrip() {
    if (!at::hasCUDA()) QSKIP("LibTorch without CUDA");
    const c10::Device cuda(c10::kCUDA, 0);
    const at::Tensor x = at::arange(12, at::TensorOptions().dtype(at::kFloat).device(cuda)).reshape({3, 4});
    const auto file = path("cuda.safetensors");
    psr::tensor::saveTensors(file, {{"x", x.t()}});
    const auto loaded = psr::tensor::loadTensors(file, cuda);
    QVERIFY(loaded.at("x").is_cuda());
    QVERIFY(at::equal(loaded.at("x").cpu(), x.t().cpu()));
  }

  // --- rejection of bad files -------------------------------------------------------------

  void rejectsCorruptFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("word");
    const QByteArray two = f32Bytes({1.0f, 2.0f});
    const QByteArray good = stFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", two);
    const auto one = [](const QByteArray& info, const QByteArray& buffer) {
      return stFile(R"({"a":)" + info + "}", buffer);
    };

    QTest::newRow("empty file") << QByteArray() << "too short";
    QTest::newRow("shorter than 8 bytes") << QByteArray("\x10\0\0", 3) << "too short";
    QTest::newRow("header over 100 MB") << le64(200'000'000) + QByteArray("{}") << "oversized";
    QTest::newRow("header beyond file") << le64(100) + QByteArray("{}") << "oversized";
    QTest::newRow("header length huge") << le64(~quint64(0)) + QByteArray("{}") << "oversized";
    QTest::newRow("truncated in buffer") << good.left(good.size() - 3) << "truncated";
    QTest::newRow("invalid JSON") << stFile("{\"a\": {") << "JSON";
    QTest::newRow("empty header") << stFile("") << "JSON";
    QTest::newRow("invalid UTF-8") << stFile("{\"\xff\":{}}") << "JSON";
    QTest::newRow("header not object") << stFile("[1,2]") << "not an object";
    QTest::newRow("entry not object") << stFile(R"({"a":3})") << "not an object";
    QTest::newRow("unknown dtype") << one(R"({"dtype":"F33","shape":[2],"data_offsets":[0,8]})", two)
                                   << "unknown dtype";
    QTest::newRow("lower-case dtype") << one(R"({"dtype":"f32","shape":[2],"data_offsets":[0,8]})", two)
                                      << "unknown dtype";
    QTest::newRow("missing dtype") << one(R"({"shape":[2],"data_offsets":[0,8]})", two) << "dtype";
    QTest::newRow("missing shape") << one(R"({"dtype":"F32","data_offsets":[0,8]})", two) << "shape";
    QTest::newRow("negative dim") << one(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})", two)
                                  << "negative";
    QTest::newRow("fractional dim") << one(R"({"dtype":"F32","shape":[2.0],"data_offsets":[0,8]})", two)
                                    << "integers";
    QTest::newRow("shape overflow")
        << one(R"({"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,8]})", two)
        << "overflow";
    QTest::newRow("dim above int64") << one(R"({"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,8]})", two)
                                     << "overflow";
    QTest::newRow("offsets not a pair") << one(R"({"dtype":"F32","shape":[2],"data_offsets":[8]})", two)
                                        << "data_offsets";
    QTest::newRow("offsets reversed") << one(R"({"dtype":"F32","shape":[0],"data_offsets":[8,0]})", two)
                                      << "after end";
    QTest::newRow("offset beyond buffer") << one(R"({"dtype":"F32","shape":[2],"data_offsets":[8,16]})", two)
                                          << "truncated";
    QTest::newRow("inconsistent length") << one(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})", two)
                                         << "inconsistent";
    QTest::newRow("overlapping")
        << stFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  f32Bytes({1, 2, 3}))
        << "overlap";
    QTest::newRow("empty tensor inside another")
        << stFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
                  two)
        << "overlap";
    QTest::newRow("gap between tensors")
        << stFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                  f32Bytes({1, 2, 3}))
        << "gap";
    QTest::newRow("unused trailing bytes") << one(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})", two)
                                           << "unused";
    QTest::newRow("duplicate names")
        << stFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                  R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                  two)
        << "duplicate tensor name 'a'";
    QTest::newRow("non-string metadata")
        << stFile(R"({"__metadata__":{"epochs":3},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", two)
        << "not a string";
    QTest::newRow("metadata not object")
        << stFile(R"({"__metadata__":["x"],"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", two)
        << "__metadata__";
    // Resource limits: nesting that would make printing the header recurse thousands of levels.
    QTest::newRow("deeply nested header")
        << stFile(R"({"__metadata__":{"k":)" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}}") << "nests deeper";
    QTest::newRow("deeply nested shape")
        << one(R"({"dtype":"F32","shape":)" + QByteArray(100, '[') + QByteArray(100, ']') + R"(,"data_offsets":[0,8]})",
               two)
        << "nests deeper";
    QTest::newRow("huge shape, small buffer")
        << one(R"({"dtype":"F64","shape":[1048576,1048576],"data_offsets":[0,8]})", two) << "inconsistent";
  }

  // The issue's check: a crafted header whose data offsets point past the end of the file is
  // refused before any tensor is handed out, with a message naming the tensor and the sizes.
  void offsetsPastEndOfFileAreRefusedClearly() {
    const QByteArray bytes =
        stFile(R"({"w":{"dtype":"F32","shape":[1073741824],"data_offsets":[0,4294967296]}})", f32Bytes({1, 2}));
    const auto file = writeFile("past-end.safetensors", bytes);
    const auto err = errorOf([&] { SafetensorsReader reader(file); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::Corrupt);
    const QString message = err->what();
    QVERIFY2(message.contains("past-end.safetensors: corrupt safetensors file: truncated: tensor 'w' ends at byte "
                              "4294967296 of the data buffer, which holds only 8 bytes"),
             qPrintable(message));
    // The in-memory parser used by the fuzz target says exactly the same.
    const auto* data = reinterpret_cast<const std::byte*>(bytes.constData());
    const auto again = errorOf([&] { psr::io::parseSafetensors(data, std::size_t(bytes.size()), file); });
    QVERIFY(again);
    QCOMPARE(QString(again->what()), message);
  }

  void parsesInMemoryLikeTheReader() {
    const QByteArray bytes = stFile(R"({"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                                    f32Bytes({1, 2}));
    const auto* data = reinterpret_cast<const std::byte*>(bytes.constData());
    const auto contents = psr::io::parseSafetensors(data, std::size_t(bytes.size()), "memory");
    QCOMPARE(contents.tensors.size(), std::size_t(1));
    QCOMPARE(contents.tensors[0].name, std::string("a"));
    QVERIFY(contents.tensors[0].data == data + (bytes.size() - 8));
    QCOMPARE(contents.metadata.at("k"), std::string("v"));
  }

  void rejectsCorruptFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, word);
    const auto file = writeFile("corrupt.safetensors", bytes);
    const auto err = errorOf([&] { SafetensorsReader reader(file); });
    QVERIFY2(err.has_value(), "accepted a corrupt file");
    QCOMPARE(err->code(), ErrorCode::Corrupt);
    QVERIFY2(QString(err->what()).contains(word), err->what());
    QVERIFY2(QString(err->what()).contains("corrupt.safetensors"), err->what());
    // The torch layer reports the same problem.
    const auto again = errorOf([&] { psr::tensor::loadTensors(file); });
    QVERIFY(again);
    QCOMPARE(again->code(), ErrorCode::Corrupt);
  }

  void rejectsMissingFile() {
    const auto err = errorOf([&] { SafetensorsReader reader(path("absent.safetensors")); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::NotFound);
    QVERIFY2(QString(err->what()).contains("absent.safetensors"), err->what());
  }

  // --- writer validation and atomicity ----------------------------------------------------

  void writerRejectsBadInput_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<int>("bytes");
    QTest::addColumn<bool>("nullData");
    QTest::addColumn<QString>("word");
    QTest::newRow("too few bytes") << "x" << QList<qint64>{2, 2} << 12 << false << "inconsistent";
    QTest::newRow("too many bytes") << "x" << QList<qint64>{3} << 16 << false << "inconsistent";
    QTest::newRow("scalar needs one element") << "x" << QList<qint64>{} << 0 << false << "inconsistent";
    QTest::newRow("negative dim") << "x" << QList<qint64>{-1, 4} << 16 << false << "negative";
    QTest::newRow("null data") << "x" << QList<qint64>{4} << 16 << true << "no data";
    QTest::newRow("empty name") << "" << QList<qint64>{4} << 16 << false << "empty name";
    QTest::newRow("reserved name") << "__metadata__" << QList<qint64>{4} << 16 << false << "reserved";
    QTest::newRow("duplicate name") << "dup" << QList<qint64>{4} << 16 << false << "duplicate";
  }

  void writerRejectsBadInput() {
    QFETCH(QString, name);
    QFETCH(QList<qint64>, shape);
    QFETCH(int, bytes);
    QFETCH(bool, nullData);
    QFETCH(QString, word);
    const QByteArray data(32, '\x5a');
    const auto* ptr = nullData ? nullptr : reinterpret_cast<const std::byte*>(data.constData());
    std::vector<TensorView> tensors{{"dup", DType::F32, {1}, ptr ? ptr : reinterpret_cast<const std::byte*>(data.constData()), 4}};
    tensors.push_back({name.toStdString(), DType::F32, shapeOf(shape), ptr, std::size_t(bytes)});

    // A good file is already there; a rejected write must leave it exactly as it was.
    const auto file = path("keep.safetensors");
    psr::io::writeSafetensors(file, {tensors[0]}, {{"version", "1"}});
    const QByteArray before = readFile(file);

    const auto err = errorOf([&] { psr::io::writeSafetensors(file, tensors); });
    QVERIFY2(err.has_value(), "accepted bad input");
    QCOMPARE(err->code(), ErrorCode::InvalidArgument);
    QVERIFY2(QString(err->what()).contains(word), err->what());
    QCOMPARE(readFile(file), before);
    QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));
    QCOMPARE(SafetensorsReader(file).metadata().at("version"), std::string("1"));
  }

  void writerRejectsInvalidUtf8() {
    const auto err = errorOf([&] { psr::io::writeSafetensors(path("utf8.safetensors"), {}, {{"k", "\xff\xfe"}}); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::InvalidArgument);
    QVERIFY2(QString(err->what()).contains("UTF-8"), err->what());
    QVERIFY(!QFile::exists(dir_.filePath("utf8.safetensors")));
  }

  void atomicWriteIoFailureKeepsOldFile() {
    // The temporary name is taken by a directory, so creating it fails after validation.
    const auto file = path("blocked.safetensors");
    psr::io::writeSafetensors(file, {}, {{"old", "yes"}});
    const QByteArray before = readFile(file);
    QVERIFY(QDir(dir_.path()).mkdir("blocked.safetensors.tmp"));
    const auto err = errorOf([&] { psr::io::writeSafetensors(file, {}, {{"new", "yes"}}); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::Io);
    QVERIFY2(QString(err->what()).contains("blocked.safetensors.tmp"), err->what());
    QCOMPARE(readFile(file), before);
    QVERIFY(QDir(dir_.path()).rmdir("blocked.safetensors.tmp"));

    // With the obstacle gone the same write replaces the file and leaves no temporary behind.
    psr::io::writeSafetensors(file, {}, {{"new", "yes"}});
    QCOMPARE(SafetensorsReader(file).metadata(), (std::map<std::string, std::string>{{"new", "yes"}}));
    QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));
  }

  void writeIntoMissingDirectoryFails() {
    const auto err = errorOf([&] { psr::io::writeSafetensors(path("no/such/dir/x.safetensors"), {}); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::Io);
  }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
