#include "common/hypervisor.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("DMI names a hypervisor only when it says so", "[hypervisor]") {
    REQUIRE(classify_dmi("QEMU", "KVM Virtual Machine") == Hypervisor::kvm);
    REQUIRE(classify_dmi("QEMU", "QEMU Virtual Machine") == Hypervisor::other); // TCG, HVF...
    REQUIRE(classify_dmi("Microsoft Corporation", "Virtual Machine") == Hypervisor::hyperv);
    REQUIRE(classify_dmi("VMware, Inc.", "VMware20,1") == Hypervisor::vmware);
    REQUIRE(classify_dmi("Xen", "HVM domU") == Hypervisor::xen);
    // Bare metal has DMI too.
    REQUIRE(classify_dmi("Ampere(R)", "Mt.Jade") == Hypervisor::none);
    REQUIRE(classify_dmi("", "") == Hypervisor::none);
}

TEST_CASE("without CPUID, the KVM PHC and then DMI identify the hypervisor", "[hypervisor]") {
    TempDir root;
    const SystemFiles files(root.path());
    auto identity = identify_hypervisor(std::nullopt, files);
    REQUIRE(identity.kind == Hypervisor::none); // nothing says virtual
    REQUIRE(identity.cpuid_signature.empty());

    root.write("sys/class/dmi/id/sys_vendor", "QEMU\n");
    root.write("sys/class/dmi/id/product_name", "QEMU Virtual Machine\n");
    identity = identify_hypervisor(std::nullopt, files);
    REQUIRE(identity.dmi_sys_vendor == "QEMU");
    REQUIRE(identity.dmi_product_name == "QEMU Virtual Machine");
    REQUIRE(identity.kind == Hypervisor::other);

    // ptp_kvm reaches the host through KVM's SMCCC service: its clock proves KVM.
    root.write("sys/class/ptp/ptp0/clock_name", "KVM virtual PTP\n");
    identity = identify_hypervisor(std::nullopt, files);
    REQUIRE(identity.kvm_ptp);
    REQUIRE(identity.kind == Hypervisor::kvm);
}

TEST_CASE("a KVM DMI product names KVM without a PHC", "[hypervisor]") {
    TempDir root;
    root.write("sys/class/dmi/id/sys_vendor", "QEMU\n");
    root.write("sys/class/dmi/id/product_name", "KVM Virtual Machine\n");
    root.write("sys/class/ptp/ptp0/clock_name", "e1000e\n"); // a NIC's clock is no evidence
    const auto identity = identify_hypervisor(std::nullopt, SystemFiles(root.path()));
    REQUIRE_FALSE(identity.kvm_ptp);
    REQUIRE(identity.kind == Hypervisor::kvm);
}

TEST_CASE("with CPUID, its signature decides and DMI is only reported", "[hypervisor]") {
    TempDir root;
    root.write("sys/class/dmi/id/sys_vendor", "QEMU\n");
    root.write("sys/class/dmi/id/product_name", "KVM Virtual Machine\n");
    const SystemFiles files(root.path());
    auto identity = identify_hypervisor(CpuidHypervisor{true, "TCGTCGTCGTCG"}, files);
    REQUIRE(identity.kind == Hypervisor::tcg);
    REQUIRE(identity.dmi_product_name == "KVM Virtual Machine");

    // No hypervisor bit: bare metal as far as CPUID goes, whatever the firmware says.
    identity = identify_hypervisor(CpuidHypervisor{false, ""}, files);
    REQUIRE(identity.kind == Hypervisor::none);

    root.write("sys/hypervisor/type", "xen\n");
    REQUIRE(identify_hypervisor(CpuidHypervisor{false, ""}, files).kind == Hypervisor::xen);
}

TEST_CASE("CPUID exists exactly on x86", "[hypervisor]") {
#if defined(__x86_64__) || defined(__i386__)
    REQUIRE(read_cpuid_hypervisor());
#else
    REQUIRE_FALSE(read_cpuid_hypervisor());
    REQUIRE_FALSE(cpuid_tsc_khz());
#endif
}
