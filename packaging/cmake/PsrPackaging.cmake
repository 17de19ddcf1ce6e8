# `cpack -G DEB` from a release build: the studio, the CLI, the desktop entry, AppStream
# metainfo and the icon. Shared-library dependencies are computed by dpkg-shlibdeps; the BLAS
# runtime LibTorch loads through alternatives is declared explicitly.
if(PSR_BUILD_GUI)
  install(FILES packaging/psr-studio.desktop DESTINATION share/applications RENAME io.github.psr_studio.PsrStudio.desktop)
  install(FILES packaging/psr-studio.metainfo.xml DESTINATION share/metainfo RENAME io.github.psr_studio.PsrStudio.metainfo.xml)
  install(FILES resources/icons/psr-studio.svg DESTINATION share/icons/hicolor/scalable/apps)
endif()
install(FILES README.md resources/licenses/ASSETS.md DESTINATION share/doc/psr-studio OPTIONAL)
# The shipped generators (base, sft, rl and their job specs) and perception models: an installed
# psr finds them beside itself (common/paths.h shippedModelsDir), not in the build's source tree.
install(DIRECTORY resources/models/ DESTINATION share/psr-studio/models)

set(CPACK_PACKAGE_NAME "psr-studio")
set(CPACK_PACKAGE_VENDOR "PSR Studio developers")
set(CPACK_PACKAGE_CONTACT "PSR Studio developers <psr-studio@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The Qt platform plugins (xcb, wayland) are only recommended by libqt6gui6, yet needed to start.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nodejs, npm")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "Multi-subject personalised image generation studio.\n Compose images from 1-4 subject references, curate synthetic multi-subject\n data, train with SFT and Flow-GRPO pairwise subject-consistency rewards and\n benchmark models, on CPU or CUDA GPUs.")
set(CPACK_GENERATOR "DEB")
include(CPack)
