#include "common/module_loader.h"

#include <dlfcn.h>
#include <libkmod.h>
#include <memory>
#include <utility>

namespace guestclock {

namespace {

struct LibraryClose {
    void operator()(void* handle) const { dlclose(handle); }
};
using LibraryPtr = std::unique_ptr<void, LibraryClose>;

// The libkmod functions load() calls, typed from libkmod.h so a changed prototype fails to build.
struct Kmod {
    decltype(&kmod_new) new_context = nullptr;
    decltype(&kmod_unref) unref = nullptr;
    decltype(&kmod_load_resources) load_resources = nullptr;
    decltype(&kmod_module_new_from_lookup) new_from_lookup = nullptr;
    decltype(&kmod_module_unref_list) unref_list = nullptr;
    decltype(&kmod_list_next) list_next = nullptr;
    decltype(&kmod_module_get_module) get_module = nullptr;
    decltype(&kmod_module_unref) module_unref = nullptr;
    decltype(&kmod_module_get_initstate) get_initstate = nullptr;
    decltype(&kmod_module_probe_insert_module) probe_insert = nullptr;
};

template <class Function> bool bind(void* library, const char* symbol, Function& function) {
    function = reinterpret_cast<Function>(dlsym(library, symbol));
    return function != nullptr;
}

Result<LibraryPtr> open_kmod(const std::string& library, Kmod& kmod) {
    LibraryPtr handle(dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL));
    // dlerror() names the file and the reason; the errno says what kind of failure it is.
    if (!handle) return fail(ELIBACC, "open " + library + " (" + dlerror() + ")");
    void* h = handle.get();
    const bool complete = bind(h, "kmod_new", kmod.new_context) &&
                          bind(h, "kmod_unref", kmod.unref) &&
                          bind(h, "kmod_load_resources", kmod.load_resources) &&
                          bind(h, "kmod_module_new_from_lookup", kmod.new_from_lookup) &&
                          bind(h, "kmod_module_unref_list", kmod.unref_list) &&
                          bind(h, "kmod_list_next", kmod.list_next) &&
                          bind(h, "kmod_module_get_module", kmod.get_module) &&
                          bind(h, "kmod_module_unref", kmod.module_unref) &&
                          bind(h, "kmod_module_get_initstate", kmod.get_initstate) &&
                          bind(h, "kmod_module_probe_insert_module", kmod.probe_insert);
    if (!complete) return fail(ELIBACC, "find libkmod's functions in " + library);
    return handle;
}

bool is_live(const Kmod& kmod, kmod_module* module) {
    const int state = kmod.get_initstate(module);
    return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN;
}

} // namespace

KmodModuleLoader::KmodModuleLoader(std::string library) : library_(std::move(library)) {}

Result<ModuleLoadOutcome> KmodModuleLoader::load(std::string_view name) {
    Kmod kmod;
    // Declared before the context and list so that it is closed after they are released.
    auto library = open_kmod(library_, kmod);
    if (!library) return std::unexpected(library.error());

    const auto unref_context = [&kmod](kmod_ctx* c) { kmod.unref(c); };
    const auto unref_list = [&kmod](kmod_list* l) { kmod.unref_list(l); };
    const std::string module_name(name);
    std::unique_ptr<kmod_ctx, decltype(unref_context)> context(kmod.new_context(nullptr, nullptr),
                                                               unref_context);
    if (!context) return fail(ENOMEM, "kmod_new");
    // Reads modprobe.d (blacklists, options) and the module indexes, as modprobe does.
    if (const int r = kmod.load_resources(context.get()); r < 0)
        return fail(-r, "load the module indexes");

    kmod_list* found = nullptr;
    if (const int r = kmod.new_from_lookup(context.get(), module_name.c_str(), &found); r < 0)
        return fail(-r, "look up module " + module_name);
    std::unique_ptr<kmod_list, decltype(unref_list)> modules(found, unref_list);
    if (!modules)
        return fail(ENOENT, "module " + module_name + " is not available for this kernel");

    bool all_live = true;
    // kmod_list_foreach, spelt with the dlsym'd kmod_list_next.
    for (kmod_list* entry = modules.get(); entry != nullptr;
         entry = kmod.list_next(modules.get(), entry)) {
        kmod_module* module = kmod.get_module(entry);
        const bool live = is_live(kmod, module);
        if (live) {
            kmod.module_unref(module);
            continue;
        }
        all_live = false;
        const int r = kmod.probe_insert(module, KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr,
                                        nullptr, nullptr);
        kmod.module_unref(module);
        if (r == KMOD_PROBE_APPLY_BLACKLIST)
            return fail(EPERM, "module " + module_name + " is blacklisted");
        if (r < 0) return fail(-r, "load module " + module_name);
    }
    return all_live ? ModuleLoadOutcome::already_loaded : ModuleLoadOutcome::loaded;
}

} // namespace guestclock
