#include "git_builder.h"

#include <git2.h>

#include <stdexcept>

namespace flyrun::test {
namespace {

void Check(int rc, const char* what) {
  if (rc == 0) return;
  const git_error* e = git_error_last();
  throw std::runtime_error(std::string(what) + ": " + (e ? e->message : "?"));
}

git_oid Oid(const std::string& hex) {
  git_oid oid;
  Check(git_oid_fromstr(&oid, hex.c_str()), "oid");
  return oid;
}

}  // namespace

struct GitBuilder::Impl {
  git_repository* repo = nullptr;
  ~Impl() {
    git_repository_free(repo);
    git_libgit2_shutdown();
  }
};

GitBuilder::GitBuilder(const std::filesystem::path& dir) : impl_(std::make_unique<Impl>()) {
  git_libgit2_init();
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.initial_head = "main";
  Check(git_repository_init_ext(&impl_->repo, dir.c_str(), &opts), "init");
}

GitBuilder::~GitBuilder() = default;

std::string GitBuilder::Commit(const std::string& branch, const Files& files,
                               const std::vector<std::string>& parents) {
  git_index* index = nullptr;
  Check(git_index_new(&index), "index");
  std::unique_ptr<git_index, void (*)(git_index*)> index_guard(index, git_index_free);
  for (const auto& [path, content] : files) {
    git_index_entry entry{};
    Check(git_blob_create_from_buffer(&entry.id, impl_->repo, content.data(), content.size()),
          "blob");
    entry.mode = GIT_FILEMODE_BLOB;
    entry.path = path.c_str();
    Check(git_index_add(index, &entry), "index add");
  }
  git_oid tree_id;
  Check(git_index_write_tree_to(&tree_id, index, impl_->repo), "write tree");
  git_tree* tree = nullptr;
  Check(git_tree_lookup(&tree, impl_->repo, &tree_id), "tree");
  std::unique_ptr<git_tree, void (*)(git_tree*)> tree_guard(tree, git_tree_free);

  std::vector<git_commit*> parent_commits;
  std::vector<const git_commit*> parent_ptrs;
  for (const auto& p : parents) {
    git_oid id = Oid(p);
    git_commit* c = nullptr;
    Check(git_commit_lookup(&c, impl_->repo, &id), "parent");
    parent_commits.push_back(c);
    parent_ptrs.push_back(c);
  }
  git_signature* sig = nullptr;
  Check(git_signature_new(&sig, "Test", "test@example.com", 1700000000, 0), "signature");
  git_oid commit_id;
  int rc = git_commit_create(&commit_id, impl_->repo, nullptr, sig, sig, nullptr, "commit", tree,
                             parent_ptrs.size(), parent_ptrs.data());
  git_signature_free(sig);
  for (git_commit* c : parent_commits) git_commit_free(c);
  Check(rc, "commit");
  git_reference* ref = nullptr;
  Check(git_reference_create(&ref, impl_->repo, ("refs/heads/" + branch).c_str(), &commit_id, 1,
                             "test"),
        "branch");
  git_reference_free(ref);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_id);
  return hex;
}

void GitBuilder::Tag(const std::string& name, const std::string& commit) {
  git_oid id = Oid(commit);
  git_reference* ref = nullptr;
  Check(git_reference_create(&ref, impl_->repo, ("refs/tags/" + name).c_str(), &id, 1, "tag"),
        "tag");
  git_reference_free(ref);
}

}  // namespace flyrun::test
