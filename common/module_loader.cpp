#include "common/module_loader.h"

#include <libkmod.h>
#include <memory>

namespace guestclock {

namespace {

struct KmodUnref {
    void operator()(kmod_ctx* c) const { kmod_unref(c); }
    void operator()(kmod_list* l) const { kmod_module_unref_list(l); }
};
using KmodContextPtr = std::unique_ptr<kmod_ctx, KmodUnref>;
using KmodListPtr = std::unique_ptr<kmod_list, KmodUnref>;

bool is_live(kmod_module* module) {
    const int state = kmod_module_get_initstate(module);
    return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN;
}

} // namespace

Result<ModuleLoadOutcome> KmodModuleLoader::load(std::string_view name) {
    const std::string module_name(name);
    KmodContextPtr context(kmod_new(nullptr, nullptr));
    if (!context) return fail(ENOMEM, "kmod_new");
    // Reads modprobe.d (blacklists, options) and the module indexes, as modprobe does.
    if (const int r = kmod_load_resources(context.get()); r < 0)
        return fail(-r, "load the module indexes");

    kmod_list* found = nullptr;
    if (const int r = kmod_module_new_from_lookup(context.get(), module_name.c_str(), &found);
        r < 0)
        return fail(-r, "look up module " + module_name);
    KmodListPtr modules(found);
    if (!modules)
        return fail(ENOENT, "module " + module_name + " is not available for this kernel");

    bool all_live = true;
    kmod_list* entry = nullptr;
    kmod_list_foreach(entry, modules.get()) {
        kmod_module* module = kmod_module_get_module(entry);
        const bool live = is_live(module);
        if (live) {
            kmod_module_unref(module);
            continue;
        }
        all_live = false;
        const int r = kmod_module_probe_insert_module(module, KMOD_PROBE_APPLY_BLACKLIST, nullptr,
                                                      nullptr, nullptr, nullptr);
        kmod_module_unref(module);
        if (r == KMOD_PROBE_APPLY_BLACKLIST)
            return fail(EPERM, "module " + module_name + " is blacklisted");
        if (r < 0) return fail(-r, "load module " + module_name);
    }
    return all_live ? ModuleLoadOutcome::already_loaded : ModuleLoadOutcome::loaded;
}

} // namespace guestclock
