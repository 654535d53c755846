#include "vcs/git_repository.h"

#include <git2.h>

#include <system_error>

#include "core/error.h"

namespace flyrun::vcs {
namespace {

namespace fs = std::filesystem;

constexpr char kShallowHint[] =
    "the revision must be in the local clone; CI clones are often shallow or hold only "
    "the branch being built: fetch the base (git fetch --depth=1000 origin main, or "
    "git fetch --unshallow), set fetch-depth: 0 on actions/checkout, or GIT_DEPTH: 0 in "
    "GitLab CI";

// git_libgit2_init/shutdown are reference counted, so each repository holds
// one reference for as long as it lives.
//
// Owner validation (git's safe.directory) is off: it guards against running
// hooks, filters and config-named programs of a repository someone else owns,
// and flyrun runs none of them; it only reads trees and blobs. CI containers
// routinely check out as one user and run as another.
struct LibraryRef {
  LibraryRef() {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  }
  ~LibraryRef() { git_libgit2_shutdown(); }
  LibraryRef(const LibraryRef&) = delete;
  LibraryRef& operator=(const LibraryRef&) = delete;
};

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using EntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;

std::string LastError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

std::string OidHex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

git_oid ParseOid(const std::string& hex) {
  git_oid oid;
  if (git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0) {
    throw Error(ExitCode::kUsage, "'" + hex + "' is not a git object id");
  }
  return oid;
}

}  // namespace

struct GitRepository::Impl {
  LibraryRef library;  // first member: released last
  RepoPtr repo;
  fs::path workdir;

  TreePtr LookupTree(const git_oid& oid) const {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo.get(), &oid) != 0) {
      throw Error(ExitCode::kUsage, "cannot read git tree " + OidHex(&oid) + ": " + LastError());
    }
    return TreePtr(raw);
  }

  void Walk(const git_tree* tree, const std::string& prefix,
            const std::function<bool(std::string_view)>& want,
            const std::function<void(const std::string&, std::string_view)>& visit) const {
    size_t count = git_tree_entrycount(tree);
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
      std::string name = git_tree_entry_name(entry);
      if (name.empty() || name[0] == '.') continue;
      std::string path = prefix.empty() ? name : prefix + "/" + name;
      git_filemode_t mode = git_tree_entry_filemode(entry);
      if (mode == GIT_FILEMODE_TREE) {
        TreePtr sub = LookupTree(*git_tree_entry_id(entry));
        Walk(sub.get(), path, want, visit);
      } else if ((mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) &&
                 want(name)) {
        git_blob* raw = nullptr;
        if (git_blob_lookup(&raw, repo.get(), git_tree_entry_id(entry)) != 0) {
          throw Error(ExitCode::kUsage, "cannot read " + path + " from git: " + LastError());
        }
        BlobPtr blob(raw);
        std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                 static_cast<size_t>(git_blob_rawsize(blob.get())));
        visit(path, content);
      }
    }
  }
};

GitRepository::GitRepository(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GitRepository::~GitRepository() = default;
GitRepository::GitRepository(GitRepository&&) noexcept = default;
GitRepository& GitRepository::operator=(GitRepository&&) noexcept = default;

GitRepository GitRepository::Discover(const fs::path& start) {
  auto impl = std::make_unique<Impl>();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, start.c_str(), 0, nullptr);
  if (rc != 0) {
    if (rc == GIT_ENOTFOUND) {
      throw UsageError("--base: " + start.string() + " is not inside a git repository",
                       "run validate --base from the repository's working tree");
    }
    throw UsageError("--base: cannot open the git repository at " + start.string() + ": " +
                     LastError());
  }
  impl->repo.reset(raw);
  const char* workdir = git_repository_workdir(raw);
  if (workdir == nullptr) {
    throw UsageError(
        "--base: the git repository at " + start.string() + " is bare (it has no working tree)",
        "run validate --base in a checkout");
  }
  std::error_code ec;
  impl->workdir = fs::weakly_canonical(fs::path(workdir), ec);
  if (ec) impl->workdir = fs::path(workdir).lexically_normal();
  if (!impl->workdir.has_filename()) impl->workdir = impl->workdir.parent_path();
  return GitRepository(std::move(impl));
}

const fs::path& GitRepository::workdir() const { return impl_->workdir; }

std::optional<Revision> GitRepository::TryResolve(const std::string& spec) const {
  git_object* raw = nullptr;
  if (spec.empty() || git_revparse_single(&raw, impl_->repo.get(), spec.c_str()) != 0) {
    return std::nullopt;
  }
  ObjectPtr object(raw);
  Revision revision;
  revision.spec = spec;
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) == 0) {
    ObjectPtr commit(peeled);
    revision.commit = OidHex(git_object_id(commit.get()));
  }
  peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_TREE) != 0) return std::nullopt;
  ObjectPtr tree(peeled);
  revision.tree = OidHex(git_object_id(tree.get()));
  return revision;
}

Revision GitRepository::Resolve(const std::string& spec) const {
  if (auto revision = TryResolve(spec)) return *revision;
  std::string why = spec.empty() ? std::string("empty revision") : LastError();
  throw UsageError("--base: git revision '" + spec + "' not found in the repository at " +
                       impl_->workdir.string() + " (" + why + ")",
                   kShallowHint);
}

std::optional<Revision> GitRepository::MergeBase(const Revision& a, const Revision& b) const {
  if (a.commit.empty() || b.commit.empty()) return std::nullopt;
  git_oid one = ParseOid(a.commit);
  git_oid two = ParseOid(b.commit);
  git_oid base;
  // Unrelated histories and shallow clones both end here: the caller then
  // compares with the revision alone.
  if (git_merge_base(&base, impl_->repo.get(), &one, &two) != 0) return std::nullopt;
  std::optional<Revision> revision = TryResolve(OidHex(&base));
  if (revision) revision->spec = "merge-base(" + a.spec + ", " + b.spec + ")";
  return revision;
}

void GitRepository::ListFiles(
    const Revision& revision, const std::string& dir,
    const std::function<bool(std::string_view)>& want,
    const std::function<void(const std::string&, std::string_view)>& visit) const {
  TreePtr root = impl_->LookupTree(ParseOid(revision.tree));
  if (dir.empty()) {
    impl_->Walk(root.get(), "", want, visit);
    return;
  }
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, root.get(), dir.c_str()) != 0) return;
  EntryPtr entry(raw);
  if (git_tree_entry_filemode(entry.get()) != GIT_FILEMODE_TREE) return;
  TreePtr sub = impl_->LookupTree(*git_tree_entry_id(entry.get()));
  impl_->Walk(sub.get(), "", want, visit);
}

std::optional<std::string> GitRepository::RelativePath(const fs::path& path,
                                                       const fs::path& cwd) const {
  fs::path absolute = path.is_absolute() ? path : cwd / path;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(absolute, ec);
  if (ec) canonical = absolute.lexically_normal();
  fs::path relative = canonical.lexically_relative(impl_->workdir);
  if (relative.empty()) return std::nullopt;
  std::string text = relative.generic_string();
  if (text == ".") return std::string();
  if (text == ".." || text.rfind("../", 0) == 0) return std::nullopt;
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace flyrun::vcs
