#pragma once
// A word-level tokenizer for the studio's prompt grammar: lower-cased words (runs of letters,
// digits and non-ASCII bytes), a vocabulary built from prompts and saved with the checkpoint.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace psr::model {

/// Maps prompts to token ids: <s> first, unknown words to <unk>, <pad> for batching.
class WordTokenizer {
 public:
  static constexpr std::int64_t kPad = 0;
  static constexpr std::int64_t kBos = 1;
  static constexpr std::int64_t kUnk = 2;

  /// `vocab` lists every token by id; the first three must be <pad>, <s>, <unk>.
  explicit WordTokenizer(std::vector<std::string> vocab);
  /// Vocabulary of the corpus's words, most frequent first (ties alphabetical), at most
  /// `maxSize` entries including the three specials (0 = no limit).
  static WordTokenizer fromCorpus(const std::vector<std::string>& texts, std::size_t maxSize = 0);
  /// One token per line, as save() writes it; throws Io/Corrupt with the path on failure.
  static WordTokenizer load(const std::filesystem::path& path);
  void save(const std::filesystem::path& path) const;

  /// The normalised words of a text.
  static std::vector<std::string> words(std::string_view text);
  /// <s> followed by the words' ids, truncated to `maxTokens` (at least the <s>).
  std::vector<std::int64_t> encode(std::string_view text, std::size_t maxTokens) const;
  std::int64_t size() const { return std::int64_t(vocab_.size()); }
  const std::vector<std::string>& vocabulary() const { return vocab_; }

 private:
  std::vector<std::string> vocab_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace psr::model
